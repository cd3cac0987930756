"""A list's filters in words: the label of each value in force (the page's removable
filters, the « À propos » sheet of an export) and a few words naming the list (a file
name, a feed's title). They read the FilterSet's cleaned data and its fields' labels, and
nothing else."""


def active_filter_labels(filterset, params) -> list[tuple[str, str, str]]:
    """(name, value, "Filter : value in words") for each value of a valid filter."""
    data = filterset.form.cleaned_data
    labels = []
    for name, values in params.lists():
        if name not in filterset.filters or name in ("tri", "exact"):
            continue
        field = filterset.form.fields[name]
        words = dict(getattr(field, "choices", ()))
        for value in values:
            if not value:
                continue
            if name in ("territoire", "acteur") and data.get(name):
                text = str(data[name])
            elif name == "q":
                text = f"« {value} »"
            else:
                text = str(words.get(value, value))
            labels.append((name, value, f"{field.label} : {text}"))
    return labels


def main_filter_words(filterset) -> str:
    """A few words naming the list, for a file name: territory, search, actor, domain…"""
    data = filterset.valid_data
    if data.get("territoire"):
        return data["territoire"].name
    if data.get("q"):
        return data["q"]
    if data.get("acteur"):
        return data["acteur"].name
    for name in ("domaine", "type_acteur", "entre_pairs", "type_partenariat", "echelle"):
        if data.get(name):
            return "-".join(data[name])
    for name, prefix in (("odd", "odd"), ("objectif", "objectif")):
        if data.get(name):
            return f"{prefix}-{'-'.join(data[name])}"
    return ""
