"""Hostile workbooks: zip bombs and lies, names, macros, external links, cells, and parts named to slip past checks.

README ("Excel workbooks": Safety, Reading a workbook back; Security): a package
is checked before anything is inflated, every part openpyxl will read is found
the way openpyxl finds it (through the relationships and content types, not by
its name) and checked before any parse, and then the cells are read one by one.
Each case edits the seed's workbook (the seed converted by the tool, in
`tests.hostile.builders`) and packs it with `raw_zip`.

The People sheet (``xl/worksheets/sheet6.xml``) is the usual target: its row 2
is Yohei Kono (``B2`` his id, ``C2`` his name).
"""

from __future__ import annotations

import zipfile
import zlib

from tests.hostile.builders import (
    CONTENT_TYPES,
    MIB,
    RELATIONSHIPS,
    SPREADSHEET,
    WORKBOOK,
    WORKBOOK_RELS,
    add_override,
    add_relationship,
    add_sheet,
    edit,
    move,
    seed_parts,
    seed_workbook,
)
from tests.hostile.harness import Case, Env, accepted, refused
from tests.zips import Entry, pack, raw_zip, zeros_crc, zeros_deflated

PEOPLE = "xl/worksheets/sheet6.xml"
NAME_CELL = '<c r="C2" s="2" t="inlineStr"><is><t>Yohei Kono</t></is></c>'
ID_CELL = '<c r="B2" s="2" t="inlineStr"><is><t>kono</t></is></c>'
LAST_ROW = "</row></sheetData>"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#: An internal entity: harmless in itself, and it was expanded into the record when the part had another name.
KONO_ENTITY = '<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY kono "Yohei Kono">]>\n'


def people_edited(old: str, new: str) -> bytes:
    return pack(edit(seed_parts(), PEOPLE, old, new))


def with_cell(cell: str) -> bytes:
    """The People sheet with Kono's name cell replaced by `cell`."""
    return people_edited(NAME_CELL, cell)


def with_row(row: str) -> bytes:
    """The People sheet with `row` after its last row."""
    return people_edited(LAST_ROW, f"</row>{row}</sheetData>")


def bomb(size: int, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The People sheet replaced by `size` zero bytes, compressed by `method`, its directory telling the truth."""
    parts = seed_parts()
    del parts[PEOPLE]
    if method == zipfile.ZIP_DEFLATED:
        entry = Entry(PEOPLE, payload=zeros_deflated(size), size=size, crc=zeros_crc(size))
    else:
        entry = Entry(PEOPLE, bytes(size), method=method)
    return pack(parts, entry)


def lying_small() -> bytes:
    """The People sheet declared as its first 1,000 bytes: the rest of what it inflates to must not be read."""
    parts = seed_parts()
    sheet = parts.pop(PEOPLE)
    return pack(parts, Entry(PEOPLE, payload=zlib.compress(sheet)[2:-4], size=1_000, crc=zlib.crc32(sheet[:1_000])))


def lying_large() -> bytes:
    parts = seed_parts()
    sheet = parts.pop(PEOPLE)
    return pack(parts, Entry(PEOPLE, sheet, size=0xC000_0000))


def extra(*entries: Entry) -> bytes:
    return pack(seed_parts(), *entries)


def duplicate(name: str) -> bytes:
    impostor = seed_parts()[PEOPLE].replace(b"Yohei Kono", b"An impostor")
    return extra(Entry(name, impostor))


def relationship_out_of_the_package(env: Env) -> bytes:
    parts = seed_parts()
    edit(parts, WORKBOOK_RELS, f'Target="/{PEOPLE}"', f'Target="../../../../../..{env.secret}"')
    return pack(parts)


def with_macro_project() -> bytes:
    parts = seed_parts()
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    add_relationship(
        parts, WORKBOOK_RELS, "http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin"
    )
    add_override(parts, "xl/vbaProject.bin", "application/vnd.ms-office.vbaProject")
    return pack(parts)


def macro_enabled() -> bytes:
    parts = seed_parts()
    edit(parts, CONTENT_TYPES, f"{SPREADSHEET}.sheet.main+xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    return pack(parts)


def macro_sheet() -> bytes:
    parts = seed_parts()
    parts["xl/macrosheets/sheet1.xml"] = f'<xm:macrosheet xmlns:xm="{MAIN}"><sheetData/></xm:macrosheet>'.encode()
    add_override(parts, "xl/macrosheets/sheet1.xml", "application/vnd.ms-excel.macrosheet+xml")
    return pack(parts)


def external_link(env: Env) -> bytes:
    parts = seed_parts()
    name = "xl/externalLinks/externalLink1.xml"
    parts[name] = (
        f'<externalLink xmlns="{MAIN}"><externalBook r:id="rId1" xmlns:r="{RELATIONSHIPS}"/></externalLink>'.encode()
    )
    add_relationship(
        parts,
        "xl/externalLinks/_rels/externalLink1.xml.rels",
        f"{RELATIONSHIPS}/externalLinkPath",
        f"{env.url}book.xlsx",
        external=True,
    )
    add_relationship(parts, WORKBOOK_RELS, f"{RELATIONSHIPS}/externalLink", "externalLinks/externalLink1.xml")
    add_override(parts, name, f"{SPREADSHEET}.externalLink+xml")
    return pack(parts)


def ole_object(env: Env) -> bytes:
    parts = seed_parts()
    add_relationship(
        parts, "xl/worksheets/_rels/sheet6.xml.rels", f"{RELATIONSHIPS}/oleObject", env.secret_url, external=True
    )
    return pack(parts)


def connection(env: Env) -> bytes:
    parts = seed_parts()
    parts["xl/connections.xml"] = (
        f'<connections xmlns="{MAIN}"><connection id="1" name="web" type="4">'
        f'<webPr url="{env.url}data"/></connection></connections>'
    ).encode()
    add_relationship(parts, WORKBOOK_RELS, f"{RELATIONSHIPS}/connections", "connections.xml")
    add_override(parts, "xl/connections.xml", f"{SPREADSHEET}.connections+xml")
    return pack(parts)


def hyperlink(env: Env) -> bytes:
    """A hyperlink on Kono's name to the port: a hyperlink is allowed, and nothing follows it."""
    parts = seed_parts()
    edit(parts, PEOPLE, "<hyperlinks>", f'<hyperlinks><hyperlink ref="C2" r:id="rId99" xmlns:r="{RELATIONSHIPS}"/>')
    add_relationship(
        parts, "xl/worksheets/_rels/sheet6.xml.rels", f"{RELATIONSHIPS}/hyperlink", f"{env.url}kono", external=True
    )
    return pack(parts)


def renamed_people(doctype: str, name: str, content_type: str | None = None) -> bytes:
    """The People sheet stored as part `name`, with `doctype` before it and Kono's name spelled `&kono;`."""
    parts = edit(seed_parts(), PEOPLE, NAME_CELL, NAME_CELL.replace("Yohei Kono", "&kono;"))
    parts[PEOPLE] = doctype.encode() + parts[PEOPLE]
    return pack(move(parts, PEOPLE, name, content_type))


def strings_as_dat(doctype: str) -> bytes:
    """Shared strings stored as ``xl/strings.dat``, Kono's name cell pointing into them."""
    parts = seed_parts()
    edit(parts, PEOPLE, NAME_CELL, '<c r="C2" s="2" t="s"><v>0</v></c>')
    parts["xl/strings.dat"] = (
        doctype + f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>&kono;</t></si></sst>'
    ).encode()
    add_relationship(parts, WORKBOOK_RELS, f"{RELATIONSHIPS}/sharedStrings", "strings.dat")
    add_override(parts, "xl/strings.dat", f"{SPREADSHEET}.sharedStrings+xml")
    return pack(parts)


def many_empty_cells(count: int) -> bytes:
    """The People sheet as ``sheet6.bin``, 2,000,000 empty styled cells after its rows: 21 MB of XML, 1.7 MB zipped."""
    parts = seed_parts()
    per_row = 1_000
    columns = [_column(n) for n in range(per_row)]
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="2"/>' for c in columns) + "</row>"
        for r in range(8, 8 + count // per_row)
    )
    edit(parts, PEOPLE, LAST_ROW, f"</row>{rows}</sheetData>")
    return pack(move(parts, PEOPLE, "xl/worksheets/sheet6.bin"))


def _column(n: int) -> str:
    name = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def without_people() -> bytes:
    parts = seed_parts()
    edit(
        parts,
        WORKBOOK,
        '<sheet xmlns:r="' + RELATIONSHIPS + '" name="People" sheetId="6" state="visible" r:id="rId6"/>',
        "",
    )
    return pack(parts)


def sheet_state(sheet: str, state: str) -> bytes:
    parts = seed_parts()
    text = parts[WORKBOOK].decode()
    start = text.index(f'name="{sheet}"')
    end = text.index("/>", start)
    parts[WORKBOOK] = (
        text[:start] + text[start:end].replace('state="visible"', f'state="{state}"') + text[end:]
    ).encode()
    return pack(parts)


def renamed_sheet(old: str, new: str) -> bytes:
    return pack(edit(seed_parts(), WORKBOOK, f'name="{old}"', f'name="{new}"'))


def with_extra_sheet(state: str) -> bytes:
    parts = seed_parts()
    add_sheet(parts, "Notes", state)
    return pack(parts)


def doctype_in(name: str, doctype: str) -> bytes:
    parts = seed_parts()
    parts[name] = doctype.encode() + parts[name]
    return pack(parts)


def laughs(root: str) -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    return f'<?xml version="1.0"?>\n<!DOCTYPE {root} [{"".join(entities)}]>\n'


def external_entity(root: str, target: str) -> str:
    return f'<?xml version="1.0"?>\n<!DOCTYPE {root} [<!ENTITY kono SYSTEM "{target}">]>\n'


#: A bomb's declared size passes the part's limit as well as its method being refused.
_DECLARED = frozenset({"xlsx.size"})
#: What follows from a People sheet that is not read: the Titles rows name people on no sheet.
_ORPHANS = frozenset({"xlsx.parent"})

CASES: list[Case] = [
    accepted(
        "seed", "xlsx", lambda env: seed_workbook(), why="the control: the seed's workbook goes through everything"
    ),
    accepted(
        "repacked-seed", "xlsx", lambda env: pack(seed_parts()), why="the control for raw_zip: the same parts repacked"
    ),
    # --- zip bombs and lying sizes
    refused(
        "deflate-bomb",
        "xlsx",
        lambda env: bomb(200 * 1000 * 1000),
        "xlsx.size",
        mentions=(PEOPLE,),
        max_seconds=5,
        why="200 MB declared: refused by its size, unread (no ratio is refused: a valid sheet deflates 320 to 1)",
    ),
    refused(
        "deflate-bomb-under-the-size-limit",
        "xlsx",
        lambda env: bomb(4 * MIB),
        "xlsx.zip",
        mentions=(PEOPLE,),
        why="4 MiB of zeros at 1000 to 1: within its limit, so looked at, and refused as a sheet that is not XML",
    ),
    refused(
        "bzip2-bomb",
        "xlsx",
        lambda env: bomb(64 * MIB, zipfile.ZIP_BZIP2),
        "xlsx.compression",
        also=_DECLARED,
        max_seconds=5,
    ),
    refused(
        "lzma-bomb",
        "xlsx",
        lambda env: bomb(64 * MIB, zipfile.ZIP_LZMA),
        "xlsx.compression",
        also=_DECLARED,
        max_seconds=5,
    ),
    refused(
        "lying-size-small",
        "xlsx",
        lambda env: lying_small(),
        "xlsx.zip",
        mentions=(PEOPLE,),
        why="the directory declares 1,000 bytes; the part inflates to 4 KB and is cut off there",
    ),
    refused(
        "lying-size-large",
        "xlsx",
        lambda env: lying_large(),
        "xlsx.size",
        mentions=(PEOPLE,),
        why="3 GiB declared for 4 KB: refused by what it declares",
    ),
    # --- names
    refused("duplicate-part", "xlsx", lambda env: duplicate(PEOPLE), "xlsx.names", also=frozenset({"xlsx.zip"})),
    refused("duplicate-part-by-case", "xlsx", lambda env: duplicate("XL/Worksheets/Sheet6.XML"), "xlsx.names"),
    refused("path-traversal", "xlsx", lambda env: extra(Entry("../../secret.txt", b"x")), "xlsx.names"),
    refused(
        "path-traversal-to-the-secret",
        "xlsx",
        lambda env: extra(Entry(f"xl/../../../../../../..{env.secret}", b"x")),
        "xlsx.names",
    ),
    refused("absolute-part-name", "xlsx", lambda env: extra(Entry(str(env.secret), b"x")), "xlsx.names"),
    refused(
        "relationship-out-of-the-package",
        "xlsx",
        relationship_out_of_the_package,
        also=frozenset({"xlsx.zip", "xlsx.names", "xlsx.sheet"}) | _ORPHANS,
        why="the People sheet's relationship points at the secret, outside the package: never opened from disk",
    ),
    # --- macros and external content
    refused("vba-project", "xlsx", lambda env: with_macro_project(), "xlsx.macro"),
    refused("macro-enabled-workbook", "xlsx", lambda env: macro_enabled(), "xlsx.macro"),
    refused("excel4-macro-sheet", "xlsx", lambda env: macro_sheet(), "xlsx.macro"),
    refused("activex", "xlsx", lambda env: extra(Entry("xl/activeX/activeX1.xml", b"<ax/>")), "xlsx.macro"),
    refused("external-link-to-the-port", "xlsx", external_link, "xlsx.external"),
    refused("ole-object-to-the-secret", "xlsx", ole_object, "xlsx.external"),
    refused("data-connection-to-the-port", "xlsx", connection, "xlsx.external"),
    accepted(
        "hyperlink-to-the-port",
        "xlsx",
        hyperlink,
        contains=("Yohei Kono",),
        why="a hyperlink is allowed (README); it is never followed",
    ),
    # --- cells
    refused(
        "formula",
        "xlsx",
        lambda env: with_cell('<c r="C2" s="2" t="str"><f>UPPER(B2)</f><v>KONO</v></c>'),
        "xlsx.formula",
        mentions=("People!C2",),
    ),
    refused(
        "formula-reaching-the-port",
        "xlsx",
        lambda env: with_cell(f'<c r="C2" s="2" t="str"><f>WEBSERVICE("{env.url}")</f><v>Yohei Kono</v></c>'),
        "xlsx.formula",
        mentions=("People!C2",),
    ),
    refused(
        "error-value",
        "xlsx",
        lambda env: with_cell('<c r="C2" s="2" t="e"><v>#REF!</v></c>'),
        "xlsx.error",
        mentions=("People!C2",),
    ),
    refused(
        "boolean-where-text-belongs",
        "xlsx",
        lambda env: with_cell('<c r="C2" s="2" t="b"><v>1</v></c>'),
        "xlsx.type",
        mentions=("People!C2",),
    ),
    refused(
        "number-where-an-id-belongs",
        "xlsx",
        lambda env: people_edited(ID_CELL, '<c r="B2" s="2" t="n"><v>7</v></c>'),
        "xlsx.type",
        also=frozenset({"xlsx.parent"}),
        mentions=("People!B2",),
        why="the Titles rows that name the id 'kono' then name no person: their xlsx.parent follows from it",
    ),
    refused(
        "unknown-cell-type",
        "xlsx",
        lambda env: with_cell('<c r="C2" s="2" t="x"><v>Yohei Kono</v></c>'),
        "xlsx.type",
        also=frozenset({"xlsx.zip"}),
    ),
    accepted(
        "escapes-of-allowed-text",
        "xlsx",
        lambda env: with_cell('<c r="C2" s="2" t="inlineStr"><is><t>Y_x006F_hei K_x00F6_no_x0021_</t></is></c>'),
        contains=("Yohei Köno!",),
        why="OOXML's _xHHHH_ escapes decode to the text they stand for",
    ),
    refused(
        "escape-of-a-control-character",
        "xlsx",
        lambda env: with_cell('<c r="C2" s="2" t="inlineStr"><is><t>Yohei_x001B_[2JKono</t></is></c>'),
        also=frozenset({"schema.pattern", "xlsx.type"}),
        mentions=("People!C2",),
        why="an escape that decodes to ESC: text no record may hold",
    ),
    refused(
        "cell-at-xfd1048576",
        "xlsx",
        lambda env: with_row('<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row>'),
        "xlsx.range",
        max_seconds=5,
    ),
    refused(
        "dimension-of-the-whole-sheet",
        "xlsx",
        lambda env: people_edited("<sheetPr>", '<dimension ref="A1:XFD1048576"/><sheetPr>'),
        "xlsx.range",
        also=frozenset({"xlsx.zip"}),
    ),
    accepted(
        "styled-last-row",
        "xlsx",
        lambda env: with_row('<row r="1048576"><c r="A1048576" s="2"/></row>'),
        contains=("Yohei Kono",),
        max_seconds=5,
        why="a styled cell with no value at Excel's last row holds nothing: not a value beyond any row",
    ),
    # --- parts named to slip past the checks
    refused(
        "sheet-as-bin-with-an-internal-entity",
        "xlsx",
        lambda env: renamed_people(KONO_ENTITY, "xl/worksheets/sheet6.bin"),
        "xlsx.zip",
        mentions=("xl/worksheets/sheet6.bin",),
        why="was accepted with the entity expanded into the record",
    ),
    refused(
        "sheet-as-folder-name-with-an-internal-entity",
        "xlsx",
        lambda env: renamed_people(KONO_ENTITY, "xl/worksheets/sheet6.xml/"),
        also=frozenset({"xlsx.zip", "xlsx.names"}),
        mentions=("xl/worksheets/sheet6.xml/",),
    ),
    refused(
        "sheet-as-bin-with-an-external-entity",
        "xlsx",
        lambda env: renamed_people(external_entity("worksheet", env.secret_url), "xl/worksheets/sheet6.bin"),
        "xlsx.zip",
        mentions=("xl/worksheets/sheet6.bin",),
    ),
    refused(
        "sheet-as-bin-with-billion-laughs",
        "xlsx",
        lambda env: renamed_people(laughs("worksheet"), "xl/worksheets/sheet6.bin"),
        "xlsx.zip",
        mentions=("xl/worksheets/sheet6.bin",),
    ),
    refused(
        "shared-strings-as-dat-with-an-internal-entity",
        "xlsx",
        lambda env: strings_as_dat('<!DOCTYPE sst [<!ENTITY kono "Yohei Kono">]>'),
        "xlsx.zip",
        mentions=("xl/strings.dat",),
    ),
    refused(
        "shared-strings-as-dat-with-an-external-entity",
        "xlsx",
        lambda env: strings_as_dat(f'<!DOCTYPE sst [<!ENTITY kono SYSTEM "{env.url}kono">]>'),
        "xlsx.zip",
        mentions=("xl/strings.dat",),
    ),
    refused(
        "sheet-as-bin-with-2000000-empty-cells",
        "xlsx",
        lambda env: many_empty_cells(2_000_000),
        "xlsx.range",
        also=frozenset({"xlsx.size"}),
        mentions=("xl/worksheets/sheet6.bin",),
        max_seconds=5,
        why="was read to the end: 7 s and 1.2 GB",
    ),
    refused(
        "doctype-in-the-workbook",
        "xlsx",
        lambda env: doctype_in(WORKBOOK, laughs("workbook")),
        "xlsx.zip",
        mentions=(WORKBOOK,),
    ),
    refused(
        "external-entity-in-the-relationships",
        "xlsx",
        lambda env: doctype_in(WORKBOOK_RELS, external_entity("Relationships", env.secret_url)),
        "xlsx.zip",
        mentions=(WORKBOOK_RELS,),
    ),
    refused(
        "utf7-part",
        "xlsx",
        lambda env: doctype_in("xl/styles.xml", '<?xml version="1.0" encoding="UTF-7"?>'),
        "xlsx.zip",
        mentions=("xl/styles.xml",),
    ),
    # --- sheets
    refused(
        "missing-sheet",
        "xlsx",
        lambda env: without_people(),
        "xlsx.sheet",
        also=_ORPHANS,
        mentions=("People",),
        why="the Titles rows then name people on no sheet: their xlsx.parent follows from it",
    ),
    refused(
        "renamed-sheet",
        "xlsx",
        lambda env: renamed_sheet("People", "Persons"),
        "xlsx.sheet",
        also=_ORPHANS,
        mentions=("People", "Persons"),
    ),
    refused("two-sheets-of-one-name", "xlsx", lambda env: renamed_sheet("Titles", "People"), "xlsx.sheet"),
    refused("extra-sheet", "xlsx", lambda env: with_extra_sheet("visible"), "xlsx.sheet", mentions=("Notes",)),
    refused(
        "extra-very-hidden-sheet",
        "xlsx",
        lambda env: with_extra_sheet("veryHidden"),
        "xlsx.sheet",
        mentions=("Notes",),
        why="hidden or not, a sheet the layout does not have is a problem, never silently dropped",
    ),
    accepted(
        "hidden-sheet",
        "xlsx",
        lambda env: sheet_state("People", "hidden"),
        contains=("Yohei Kono",),
        why="hiding a sheet is cosmetic: it is read as it is",
    ),
    # --- not a workbook at all
    refused("not-a-zip", "xlsx", lambda env: b"date,place\n2000-11-03,Moscow\n", "xlsx.zip", whole_file=True),
    refused(
        "ole2-encrypted",
        "xlsx",
        lambda env: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096),
        "xlsx.zip",
        whole_file=True,
    ),
    refused(
        "too-many-entries",
        "xlsx",
        lambda env: extra(*[Entry(f"xl/media/n{n}.txt", method=zipfile.ZIP_STORED) for n in range(1_001)]),
        "xlsx.size",
        whole_file=True,
    ),
    refused(
        "empty-zip", "xlsx", lambda env: raw_zip([]), "xlsx.zip", whole_file=True, why="a fuzz finding (ValueError)"
    ),
]
