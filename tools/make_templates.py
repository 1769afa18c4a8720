"""Write the first version of the Word templates in templates/docx/.

The committed .docx files are the source of truth: officers restyle them in Word.
This script records how they were first made (our own minimal WordprocessingML,
not python-docx's default document) and can recreate them:

    python tools/make_templates.py
"""
from __future__ import annotations

import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "templates" / "docx"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = HEAD + """<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>
<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""

ROOT_RELS = HEAD + """<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""

DOC_RELS = HEAD + """<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>
<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>
</Relationships>"""

SETTINGS = HEAD + f"""<w:settings xmlns:w="{W}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>\
<w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" \
w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat><w:themeFontLang w:val="en-GB"/></w:settings>"""

FONTS = HEAD + f"""<w:fonts xmlns:w="{W}"><w:font w:name="Arial"><w:panose1 w:val="020B0604020202020204"/>\
<w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font></w:fonts>"""

APP = HEAD + """<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\
<Application>papers</Application><DocSecurity>0</DocSecurity></Properties>"""


def core(title: str) -> str:
    return HEAD + f"""<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:creator>Democratic Services</dc:creator>\
<dc:language>en-GB</dc:language><cp:revision>1</cp:revision>\
<dcterms:created xsi:type="dcterms:W3CDTF">2022-01-01T00:00:00Z</dcterms:created>\
<dcterms:modified xsi:type="dcterms:W3CDTF">2022-01-01T00:00:00Z</dcterms:modified></cp:coreProperties>"""


def pstyle(sid: str, name: str, ppr: str = "", rpr: str = "", based: str = "Normal", extra: str = "") -> str:
    based_on = f'<w:basedOn w:val="{based}"/>' if based else ""
    return (f'<w:style w:type="paragraph" w:styleId="{sid}"><w:name w:val="{name}"/>{based_on}{extra}'
            f'<w:qFormat/>{"<w:pPr>" + ppr + "</w:pPr>" if ppr else ""}{"<w:rPr>" + rpr + "</w:rPr>" if rpr else ""}'
            f"</w:style>")


def numpr(num: int, lvl: int) -> str:
    return f'<w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{num}"/></w:numPr>'


BORDER = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
BORDERS = "".join(BORDER.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))

STYLES = HEAD + f"""<w:styles xmlns:w="{W}">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Arial" w:cs="Arial"/>\
<w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:after="200" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
{pstyle("Title", "Title", '<w:spacing w:before="120" w:after="240"/><w:outlineLvl w:val="0"/>', '<w:b/><w:bCs/><w:sz w:val="28"/><w:szCs w:val="28"/>')}
{pstyle("CommitteeName", "Committee Name", '<w:spacing w:after="120"/>', '<w:b/><w:bCs/>')}
{pstyle("Heading1", "heading 1", '<w:keepNext/><w:keepLines/><w:spacing w:before="360" w:after="200"/><w:outlineLvl w:val="0"/>', '<w:b/><w:bCs/>')}
{pstyle("Heading2", "heading 2", '<w:keepNext/><w:keepLines/>' + numpr(4, 0) + '<w:spacing w:before="240" w:after="160"/><w:ind w:left="360" w:hanging="360"/><w:outlineLvl w:val="1"/>', '<w:b/><w:bCs/><w:caps/>')}
{pstyle("Heading3", "heading 3", '<w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="120"/><w:outlineLvl w:val="2"/>', '<w:b/><w:bCs/><w:i/><w:iCs/>')}
{pstyle("ListBullet", "List Bullet", numpr(1, 0) + '<w:spacing w:after="80"/><w:ind w:left="720" w:hanging="360"/>')}
{pstyle("ListBullet2", "List Bullet 2", numpr(1, 1) + '<w:spacing w:after="80"/><w:ind w:left="1440" w:hanging="360"/>')}
{pstyle("ListBullet3", "List Bullet 3", numpr(1, 2) + '<w:spacing w:after="80"/><w:ind w:left="2160" w:hanging="360"/>')}
{pstyle("ListNumber", "List Number", numpr(2, 0) + '<w:spacing w:after="80"/><w:ind w:left="720" w:hanging="360"/>')}
{pstyle("ListNumber2", "List Number 2", numpr(2, 1) + '<w:spacing w:after="80"/><w:ind w:left="1440" w:hanging="360"/>')}
{pstyle("ListNumber3", "List Number 3", numpr(2, 2) + '<w:spacing w:after="80"/><w:ind w:left="2160" w:hanging="360"/>')}
{pstyle("ListContinue", "List Continue", '<w:spacing w:after="80"/><w:ind w:left="720"/>')}
{pstyle("ListContinue2", "List Continue 2", '<w:spacing w:after="80"/><w:ind w:left="1440"/>')}
{pstyle("ListContinue3", "List Continue 3", '<w:spacing w:after="80"/><w:ind w:left="2160"/>')}
{pstyle("Recommendation", "Recommendation", numpr(3, 1) + '<w:ind w:left="720" w:hanging="720"/>')}
{pstyle("NumberedParagraph", "Numbered Paragraph", numpr(5, 0) + '<w:ind w:left="720" w:hanging="720"/>')}
{pstyle("TableHeading", "Table Heading", '<w:keepNext/><w:spacing w:before="40" w:after="40"/>', '<w:b/><w:bCs/>')}
{pstyle("TableText", "Table Text", '<w:spacing w:before="40" w:after="40"/>')}
{pstyle("CoverText", "Cover Text", '<w:spacing w:before="60" w:after="60"/>')}
{pstyle("CoverTitle", "Cover Title", '<w:outlineLvl w:val="0"/>', based="CoverText")}
{pstyle("Footer", "footer", '<w:tabs><w:tab w:val="center" w:pos="4513"/><w:tab w:val="right" w:pos="9026"/></w:tabs><w:spacing w:after="0"/>', '<w:sz w:val="20"/><w:szCs w:val="20"/>')}
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>
<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:basedOn w:val="DefaultParagraphFont"/><w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/>\
<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>\
<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="table" w:styleId="CouncilTable"><w:name w:val="Council Table"/><w:basedOn w:val="TableNormal"/>\
<w:uiPriority w:val="39"/><w:pPr><w:spacing w:after="0"/></w:pPr><w:tblPr><w:tblBorders>{BORDERS}</w:tblBorders></w:tblPr>\
<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr><w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="DEEAF6"/></w:tcPr></w:tblStylePr></w:style>
<w:style w:type="table" w:styleId="LayoutLines"><w:name w:val="Layout Lines"/><w:basedOn w:val="TableNormal"/>\
<w:uiPriority w:val="40"/><w:pPr><w:spacing w:after="0"/></w:pPr><w:tblPr><w:tblCellMar><w:left w:w="0" w:type="dxa"/>\
<w:right w:w="284" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="table" w:styleId="LayoutTable"><w:name w:val="Layout Table"/><w:basedOn w:val="TableNormal"/>\
<w:pPr><w:spacing w:after="0"/></w:pPr><w:tblPr><w:tblBorders>{BORDERS}</w:tblBorders></w:tblPr></w:style>
</w:styles>"""


def level(ilvl: int, fmt: str, text: str, left: int, hanging: int, font: str | None = None,
          style: str | None = None, start: int = 1) -> str:
    rfonts = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:hint="default"/></w:rPr>' if font else ""
    pstyle_ = f'<w:pStyle w:val="{style}"/>' if style else ""
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{pstyle_}'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/>'
            f"</w:pPr>{rfonts}</w:lvl>")


def abstract(aid: int, name: str, levels: list[str]) -> str:
    return (f'<w:abstractNum w:abstractNumId="{aid}"><w:multiLevelType w:val="hybridMultilevel"/>'
            f'<w:name w:val="{name}"/>{"".join(levels)}</w:abstractNum>')


BULLETS = ["\u2022", "o", "\u25aa"]
MARKER = "\u25ba"  # the council's sub-heading marker
NUMBER_FORMATS = [("decimal", "%{}."), ("lowerLetter", "%{})"), ("lowerRoman", "%{}.")]
NUMBERING = HEAD + f"""<w:numbering xmlns:w="{W}">
{abstract(10, "Bullets", [level(i, "bullet", BULLETS[i % 3], 720 * (i + 1), 360, "Arial" if i % 3 != 1 else "Courier New") for i in range(9)])}
{abstract(11, "Numbered list", [level(i, NUMBER_FORMATS[i % 3][0], NUMBER_FORMATS[i % 3][1].format(i + 1), 720 * (i + 1), 360) for i in range(9)])}
{abstract(12, "Recommendations", [level(0, "decimal", "%1.", 720, 720), level(1, "decimal", "%1.%2", 720, 720, style="Recommendation")])}
{abstract(13, "Sub-heading marker", [level(0, "bullet", MARKER, 360, 360, "Arial", style="Heading2")])}
{abstract(14, "Briefing paragraphs", [level(0, "decimal", "1.%1", 720, 720, style="NumberedParagraph")])}
<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="11"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="12"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="13"/></w:num>
<w:num w:numId="5"><w:abstractNumId w:val="14"/></w:num>
</w:numbering>"""

FOOTER = HEAD + f"""<w:ftr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr>\
<w:r><w:t xml:space="preserve">Page </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>\
<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>\
<w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:ftr>"""

SECTION = (f'<w:sectPr><w:footerReference w:type="default" r:id="rId5"/><w:pgSz w:w="11906" w:h="16838"/>'
           f'<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="709" w:footer="709" '
           f'w:gutter="0"/><w:cols w:space="708"/><w:docGrid w:linePitch="360"/></w:sectPr>')


def p(text: str, style: str | None = None, bold: bool = False, num: tuple[int, int] | None = None) -> str:
    ppr = (f'<w:pStyle w:val="{style}"/>' if style else "") + (numpr(*num) if num else "")
    rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if bold else ""
    return f'<w:p>{"<w:pPr>" + ppr + "</w:pPr>" if ppr else ""}<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def runs_p(runs: list[tuple[str, bool]], style: str) -> str:
    """A paragraph of runs, each bold or not."""
    return (f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
            + "".join(f'<w:r>{"<w:rPr><w:b/><w:bCs/></w:rPr>" if bold else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'
                      for text, bold in runs) + "</w:p>")


def cell(content: str, width: int, span: int = 1) -> str:
    grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}</w:tcPr>{content}</w:tc>'


def cover_table() -> str:
    # a layout table, not a data table: `papers audit` knows it by its style's name ("Layout Table"),
    # so it needs no header row and may merge cells
    # bold as the published cover: date, item, committee, title, the "Report of:" label and the status;
    # the title (Cover Title, outline level 1) is the document's first heading, in Word and in the PDF
    half = 4513
    rows = [
        cell(p("{{ meeting_date }}", "CoverText", bold=True), half)
        + cell(p("{% if item %}ITEM: {{ item }}{% endif %}", "CoverText", bold=True), half),
        cell(p("{{ committee_short_name }}", "CoverText", bold=True), half * 2, 2),
        cell(p("{{ title }}", "CoverTitle", bold=True), half * 2, 2),
        *decision_rows(half),
        cell(runs_p([("{% if exempt %}This report is exempt: {% else %}This report is public{% endif %}", True),
                     ("{% if exempt %}{{ exempt_reason }}{% endif %}" + EXEMPT_APPENDICES, False)], "CoverText"),
             half * 2, 2),
    ]
    return ('<w:tbl><w:tblPr><w:tblStyle w:val="LayoutTable"/><w:tblW w:w="9026" w:type="dxa"/>'
            '<w:tblLayout w:type="fixed"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
            'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/><w:tblCaption w:val="Report cover"/>'
            '<w:tblDescription w:val="Meeting date, agenda item, committee, report title, wards, key decision, '
            'author, accountable officers and status"/>'
            f'</w:tblPr><w:tblGrid><w:gridCol w:w="{half}"/><w:gridCol w:w="{half}"/></w:tblGrid>'
            + "".join(f"<w:tr>{r}</w:tr>" for r in rows) + "</w:tbl>")


# a public report naming its exempt appendices (committee reports); papers without appendices print nothing
EXEMPT_APPENDICES = ("{% if not exempt %}{% for a in exempt_appendices %}{% if loop.first %}, except {% else %}; "
                     "{% endif %}Appendix {{ a.number }} ({{ a.title }}), which is exempt: {{ a.reason }}{% endfor %}"
                     "{% endif %}")


def decision_rows(half: int) -> list[str]:
    """The cover rows a decision report has (wards and key decision, report of, accountable officers); the
    optional ones are left out by docxtpl when the paper does not give them."""
    full = half * 2

    def only_if(condition: str, content: str) -> list[str]:
        return [cell(p(f"{{%tr if {condition} %}}", "CoverText"), full, 2), content,
                cell(p("{%tr endif %}", "CoverText"), full, 2)]

    return [
        *only_if("wards or key_decision",
                 cell(p("Wards and communities affected:", "CoverText", bold=True) + p("{{ wards }}", "CoverText"),
                      half)
                 + cell(p("Key Decision:", "CoverText", bold=True)
                        + p("{{ key_decision }}{% if forward_plan_ref %} (Forward Plan reference "
                            "{{ forward_plan_ref }}){% endif %}", "CoverText"), half)),
        cell(runs_p([("Report of: ", True), ("{{ report_of }}", False)], "CoverText"), full, 2),
        *only_if("accountable_assistant_director",
                 cell(runs_p([("Accountable Assistant Director: ", True),
                              ("{{ accountable_assistant_director }}", False)], "CoverText"), full, 2)),
        *only_if("accountable_director",
                 cell(runs_p([("Accountable Director: ", True), ("{{ accountable_director }}", False)], "CoverText"),
                      full, 2)),
    ]


def document(body: str) -> str:
    return HEAD + f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{body}{SECTION}</w:body></w:document>'


PORTFOLIO = document("".join([
    cover_table(),  # directly followed by the first heading: its space before is the gap
    p("{%p if introduction %}"),
    p("{{ introduction.title }}", "Heading1"),
    p("{{p introduction.body }}"),
    p("{%p endif %}"),
    p("{%p if recommendations %}"),
    p("Recommendation:", "Heading1", num=(3, 0)),  # the published heading; a council may drop the colon
    p("{%p for recommendation in recommendations %}"),
    p("{{r recommendation }}", "Recommendation"),
    p("{%p endfor %}"),
    p("{%p endif %}"),
    p("{%p for section in sections %}"),
    p("{{ section.title }}", "Heading1"),
    p("{{p section.body }}"),
    p("{%p endfor %}"),
    p("{%p if finance %}"),
    p("{{ finance.title }}", "Heading2"),  # the ► sub-heading, upper case by the style
    p("{{p finance.body }}"),
    p("{%p endif %}"),
]))

BRIEFING = document("".join([
    p("{{ committee }}", "CommitteeName"),
    p("{{ title }}", "Title"),
    '<w:p><w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:t xml:space="preserve">Purpose of the briefing note: </w:t></w:r>'
    '<w:r><w:t xml:space="preserve">{{ purpose }}</w:t></w:r></w:p>',
    p("{%p if exempt %}"),
    '<w:p><w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:t xml:space="preserve">This briefing note is exempt: </w:t></w:r>'
    '<w:r><w:t xml:space="preserve">{{ exempt_reason }}</w:t></w:r></w:p>',
    p("{%p endif %}"),
    p("{%p for section in sections %}"),
    p("{%p if section.title %}"),
    p("{{ section.title }}", "Heading1"),
    p("{%p endif %}"),
    p("{{p section.body }}"),
    p("{%p endfor %}"),
]))


def agenda_table(items: str, caption: str) -> str:
    widths = [1000, 6826, 1200]
    def row(texts: list[str], style: str, header: bool = False) -> str:
        trpr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else "<w:trPr><w:cantSplit/></w:trPr>"
        return "<w:tr>" + trpr + "".join(cell(p(t, style), w) for t, w in zip(texts, widths)) + "</w:tr>"
    # the item's title, then its description (when it has one) in the same cell
    title = (p("{{ item.title }}", "TableText", bold=True) + p("{%p if item.description %}", "TableText")
             + p("{{ item.description }}", "TableText") + p("{%p endif %}", "TableText"))
    item_row = ("<w:tr><w:trPr><w:cantSplit/></w:trPr>" + cell(p("{{ item.number }}", "TableText"), widths[0])
                + cell(title, widths[1]) + cell(p("{{ item.page }}", "TableText"), widths[2]) + "</w:tr>")
    return ('<w:tbl><w:tblPr><w:tblStyle w:val="CouncilTable"/><w:tblW w:w="9026" w:type="dxa"/>'
            '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
            f'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/><w:tblCaption w:val="{caption}"/></w:tblPr>'
            "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"
            + row(["Item", "Title", "Pages"], "TableHeading", header=True)
            + row([f"{{%tr for item in {items} %}}", "", ""], "TableText")
            + item_row
            + row(["{%tr endfor %}", "", ""], "TableText")
            + "</w:tbl>")


def spaced(text: str, bold: bool = False) -> str:
    """A paragraph with space above it (the front sheet's blocks)."""
    rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if bold else ""
    return (f'<w:p><w:pPr><w:spacing w:before="200"/></w:pPr><w:r>{rpr}<w:t xml:space="preserve">{text}</w:t>'
            "</w:r></w:p>")


# the front sheet (summons) of a meeting, as ModernGov councils publish it; the standing text at the
# end is the template's own: a council edits it in Word
AGENDA = document("".join([
    p("{%p if council %}"),
    p("{{ council }}"),
    p("{%p endif %}"),
    p("{{ committee }}", "Title"),
    p("{%p if supplement %}"),  # a supplement's front sheet: the revised and late items only
    p("{{ supplement }}", "Heading1"),
    p("{%p endif %}"),
    p("The meeting will be held {% if time %}at {{ time }} {% endif %}on {{ meeting_date }}"),
    p("{%p if venue %}"),
    p("{{ venue }}"),
    p("{%p endif %}"),
    p("{%p if membership %}"),
    p("Membership:", "Heading1"),
    p("{%p for member in membership %}"),
    p("{{ member.name }}{% if member.role %} ({{ member.role }}){% endif %}"),
    p("{%p endfor %}"),
    p("{%p endif %}"),
    p("{%p if substitutes %}"),
    p("Substitutes:", "Heading1"),
    p("{%p for name in substitutes %}"),
    p("{{ name }}"),
    p("{%p endfor %}"),
    p("{%p endif %}"),
    p("Agenda — Open to Public and Press", "Heading1"),
    agenda_table("items", "Agenda items open to the public and press"),
    p("{%p if exempt_items %}"),
    p("Part 2 — Items Not Open to Public and Press (exempt information)", "Heading1"),
    agenda_table("exempt_items", "Exempt agenda items"),
    p("{%p endif %}"),
    p("{%p if has_pages %}"),
    spaced("{% if supplement %}Page numbers continue from those of the published agenda pack.{% else %}Page "
           "numbers are those of the published agenda pack.{% endif %}"),
    p("{%p endif %}"),
    p("{%p if contact %}"),
    spaced("Queries regarding this Agenda or notification of apologies:"),
    p("Please contact {{ contact.name }}{% if contact.title %}, {{ contact.title }}{% endif %}"
      "{% if contact.email %}, by sending an email to {{ contact.email }}{% endif %}"),
    p("{%p endif %}"),
    p("{%p if published %}"),
    spaced("Agenda published on: {{ published }}"),
    p("{%p endif %}"),
    p("Information for members of the public and councillors", "Heading1"),
    p("Access to Information and Meetings", "Heading2"),
    p("Members of the public have the right to see the agenda, which will be published no later than 5 working "
      "days before the meeting, and minutes once they are published."),
    p("Recording of meetings", "Heading2"),
    p("This meeting may be recorded for transmission and publication on the Council’s website. At the start of "
      "the meeting the Chair will confirm if all or part of the meeting is to be recorded. Members of the public "
      "not wishing any speech or address to be recorded for publication to the Internet should contact Democratic "
      "Services to discuss any concerns."),
]))


# -- the committee report --------------------------------------------------------------------
# Its sections are numbered by one multi-level list: the section headings at level 1 ("2."), the
# Numbered Paragraph style at level 2 ("2.1"), which Word restarts after each heading.
REPORT_NUM = 6
REPORT_NUMBERING = abstract(15, "Report sections", [
    level(0, "decimal", "%1.", 720, 720),
    level(1, "decimal", "%1.%2", 720, 720, style="NumberedParagraph"),
])
COMMITTEE_NUMBERING = NUMBERING.replace(
    "</w:numbering>", f'{REPORT_NUMBERING}<w:num w:numId="{REPORT_NUM}"><w:abstractNumId w:val="15"/></w:num>'
                      "</w:numbering>")
# the same styles, with Numbered Paragraph at the second level of the report's numbering
_BRIEFING_PARAGRAPH = numpr(5, 0) + '<w:ind w:left="720" w:hanging="720"/>'
assert STYLES.count(_BRIEFING_PARAGRAPH) == 1
COMMITTEE_STYLES = STYLES.replace(_BRIEFING_PARAGRAPH, numpr(REPORT_NUM, 1) + '<w:ind w:left="720" w:hanging="720"/>')
HEADER = HEAD + f"""<w:hdr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:pPr><w:pStyle w:val="Header"/><w:jc w:val="center"/></w:pPr>\
<w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:t xml:space="preserve">{{% if draft %}}DRAFT – not for publication{{% endif %}}</w:t></w:r></w:p></w:hdr>"""
HEADER_STYLE = pstyle("Header", "header", '<w:jc w:val="center"/><w:spacing w:after="0"/>', '<w:sz w:val="20"/><w:szCs w:val="20"/>')


def labelled(label: str, value: str, style: str = "Normal") -> str:
    """A paragraph: a bold label, then the value."""
    return runs_p([(label, True), (value, False)], style)


def section_heading(text: str) -> str:
    """A numbered section heading ("2. Introduction and Background")."""
    return p(text, "Heading1", num=(REPORT_NUM, 0))


def numbered_subheading(text: str) -> str:
    """An implication's heading ("7.1 Financial"): Heading 2 numbered at the report's second level, in
    the case written (the house Heading 2 is upper case, for service sub-headings)."""
    return (f'<w:p><w:pPr><w:pStyle w:val="Heading2"/>{numpr(REPORT_NUM, 1)}</w:pPr><w:r><w:rPr><w:caps w:val="0"/>'
            f'</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>')


def implication(key: str, heading: str) -> list[str]:
    """One numbered implication ("7.1 Financial"), its body and who verified it."""
    where = f"implications.{key}"
    return [
        numbered_subheading(heading),
        p(f"{{%p if {where}.body %}}"),
        p(f"{{{{p {where}.body }}}}"),
        p("{%p endif %}"),
        labelled("Implications verified by: ", f"{{% if {where}.verified_by %}}{{{{ {where}.verified_by }}}}"
                                               "{% else %}not yet verified{% endif %}"),
    ]


def none_unless(items: str) -> str:
    return p(f"{{%p if not {items} %}}") + p("None") + p("{%p endif %}")


COMMITTEE = document("".join([
    cover_table(),
    p("{%p if executive_summary %}"),
    p("Executive Summary", "Heading1"),
    p("{{p executive_summary }}"),
    p("{%p endif %}"),
    section_heading("Recommendation(s)"),
    p("{%p for recommendation in recommendations %}"),
    p("{{r recommendation }}", "NumberedParagraph"),
    p("{%p endfor %}"),
    none_unless("recommendations"),
    section_heading("Introduction and Background"),
    p("{{p introduction.body }}"),
    section_heading("Issues, Options and Analysis of Options"),
    p("{{p issues_and_options.body }}"),
    section_heading("Reasons for Recommendation"),
    p("{{p reasons.body }}"),
    section_heading("Consultation (including Overview and Scrutiny, if applicable)"),
    p("{{p consultation.body }}"),
    section_heading("Impact on corporate policies, priorities, performance and community impact"),
    p("{{p impact.body }}"),
    section_heading("Implications"),
    *implication("financial", "Financial"),
    *implication("legal", "Legal"),
    *implication("diversity_and_equality", "Diversity and Equality"),
    p("{%p if implications.other %}"),
    numbered_subheading("Other implications"),
    p("{{p implications.other }}"),
    p("{%p endif %}"),
    section_heading("Background papers used in preparing the report"),
    p("{%p for paper in background_papers %}"),
    p("{{r paper }}", "ListBullet"),
    p("{%p endfor %}"),
    none_unless("background_papers"),
    section_heading("Appendices to the report"),
    p("{%p for appendix in appendices %}"),
    p("Appendix {{ appendix.number }} – {{ appendix.title }}{% if appendix.exempt %} (exempt){% endif %}"),
    p("{%p endfor %}"),
    none_unless("appendices"),
    p("Report Author", "Heading1"),
    p("{{ report_author.name }}"),
    p("{{ report_author.title }}"),
    p("{%p if report_author.service %}"),
    p("{{ report_author.service }}"),
    p("{%p endif %}"),
]))
# the DRAFT header (empty unless the report is not cleared for publication)
COMMITTEE = COMMITTEE.replace("<w:footerReference", '<w:headerReference w:type="default" r:id="rId6"/><w:footerReference')


def write(name: str, body: str, title: str, **overrides: str) -> None:
    """Write one template; ``overrides`` replace or add parts, by part name."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "docProps/core.xml": core(title),
        "docProps/app.xml": APP,
        "word/document.xml": body,
        "word/_rels/document.xml.rels": DOC_RELS,
        "word/styles.xml": STYLES,
        "word/numbering.xml": NUMBERING,
        "word/settings.xml": SETTINGS,
        "word/fontTable.xml": FONTS,
        "word/footer1.xml": FOOTER,
    }
    parts.update(overrides)
    OUT.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(OUT / f"{name}.docx", "w", zipfile.ZIP_DEFLATED) as zf:
        for part, xml in parts.items():
            zf.writestr(zipfile.ZipInfo(part, (1980, 1, 1, 0, 0, 0)), xml.encode("utf-8"),
                        compress_type=zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    write("portfolio_report", PORTFOLIO, "Portfolio holder report template")
    write("briefing_note", BRIEFING, "Briefing note template")
    write("agenda", AGENDA, "Agenda front sheet template")
    write("committee_report", COMMITTEE, "Committee report template", **{
        "word/styles.xml": COMMITTEE_STYLES.replace("</w:styles>", HEADER_STYLE + "</w:styles>"),
        "word/numbering.xml": COMMITTEE_NUMBERING,
        "word/header1.xml": HEADER,
        "word/_rels/document.xml.rels": DOC_RELS.replace("</Relationships>", '<Relationship Id="rId6" Type="http://'
                                                         'schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                                         'header" Target="header1.xml"/></Relationships>'),
        "[Content_Types].xml": CONTENT_TYPES.replace("</Types>", '<Override PartName="/word/header1.xml" ContentType='
                                                     '"application/vnd.openxmlformats-officedocument.wordprocessingml.'
                                                     'header+xml"/></Types>'),
    })
    print(f"wrote templates to {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}")
