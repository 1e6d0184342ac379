"""import_advice: published advice articles -> draft advice YAML for lessons/advice/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from generator.advice_import import clean_markdown, import_advice, parse_date
from generator.errors import ContentError
from generator.model import SLUG, Advice

ARTICLES = Path(__file__).parent / "fixtures" / "articles"
SEED = ARTICLES / "seed-bedfordshire-2018.md"
TODAY = dt.date(2024, 5, 1)


def convert(path: Path) -> tuple[str, Advice]:
    text = import_advice(path, today=TODAY)
    return text, Advice.model_validate(yaml.safe_load(text))


def texts(advice: Advice) -> list[str]:
    return [m.text for m in advice.messages]


# ------------------------------------------------------------ every article


@pytest.mark.parametrize(
    "name",
    [
        "seed-bedfordshire-2018.md",
        "dashes-bullets.md",
        "numbered-no-front-matter.md",
        "bold-headed.md",
    ],
)
def test_output_is_a_valid_advice_file_with_a_review_header(name):
    text, advice = convert(ARTICLES / name)
    assert text.startswith("# Draft advice imported from ")
    header = text.split("\nid:")[0]
    assert "own words" in header
    assert "law, contact numbers and dates" in header
    assert "blames the victim" in header
    assert list(yaml.safe_load(text)) == ["id", "source", "summary", "updates", "messages"]
    assert "messages:\n  - id:" in text  # block style, list indented as in lessons/advice
    ids = [m.id for m in advice.messages]
    assert len(ids) == len(set(ids))
    assert all(SLUG.match(i) for i in ids) and SLUG.match(advice.id)
    assert all(len(line) <= 90 for line in text.splitlines() if " " in line.strip())


# --------------------------------------------------------------------- seed


def test_seed_article():
    _, advice = convert(SEED)
    assert advice.id == "bedfordshire-2018"
    assert advice.source.area == "Bedfordshire"
    assert advice.source.title == "Police issue online safety advice around 'sextortion'"
    assert advice.source.date == dt.date(2018, 2, 6)
    assert advice.source.url == (
        "https://www.bedfordshire.police.uk/news-and-appeals/sextortion-advice-february2018"
    )
    assert advice.summary.startswith("Today, on Safer Internet Day (6 February)")
    # from og:description, whose curly quotes are kept
    assert advice.summary.endswith("reports of \u2018sextortion\u2019.")
    assert advice.updates == ()
    starts = [
        "Not everyone online",
        "Never transfer money",
        "If someone you are speaking to online",
        "Think twice before you post online - once",
        "If you feel you have been a victim",
    ]
    assert len(advice.messages) == 5
    for text, start in zip(texts(advice), starts):
        assert text.startswith(start)
    assert texts(advice)[4].endswith("call police on 101.")
    assert [m.id for m in advice.messages][:2] == ["not-everyone-online", "never-transfer-money"]


def test_dash_fenced_front_matter_reads_like_the_code_fence(tmp_path):
    seed = SEED.read_text(encoding="utf-8")
    dashed = tmp_path / "seed-dashes.md"
    dashed.write_text(seed.replace("```yaml\n", "---\n", 1).replace("```\n", "---\n", 1))
    assert convert(dashed)[1] == convert(SEED)[1]


# ----------------------------------------------------- the other article shapes


def test_dash_front_matter_with_bullet_points():
    _, advice = convert(ARTICLES / "dashes-bullets.md")
    assert advice.id == "thames-valley-police-2019"
    assert advice.source.area == "Thames Valley Police"
    assert advice.source.title == "Sextortion: what to do if you're being blackmailed"
    assert advice.source.date == dt.date(2019, 3, 12)  # 12/03/2019 read day first
    assert advice.summary == (
        "Advice for anyone being threatened with the release of intimate images."
    )
    assert texts(advice) == [
        "Don't pay. Paying rarely stops the threats.",
        "Stop all contact and block the account.",  # "•Stop", no space, still an item
        "Keep the evidence: screenshots, usernames and any payment details.",
        "Report it to Action Fraud or call 101.",  # link and backticks stripped
    ]
    assert [m.id for m in advice.messages] == [
        "dont-pay", "stop-all-contact", "keep-the-evidence", "report-it-to-action",
    ]


def test_numbered_list_without_front_matter():
    text, advice = convert(ARTICLES / "numbered-no-front-matter.md")
    assert advice.source.title == "Staying safe on gaming platforms"  # from the # heading
    assert advice.source.area == "Unknown — please fill in"
    assert advice.source.url is None
    assert advice.source.date == TODAY
    assert "  date: 2024-05-01  # date not found in the article: check it\n" in text
    assert advice.id == "staying-safe-gaming-platforms"  # no area or year to use
    assert advice.summary == (
        "Games with chat let you talk to people you have never met. "
        "Most of them are who they say they are, but some are not."
    )
    assert texts(advice) == [  # "1." and "3)" numbering; "## Our advice" is no message
        "Keep chat to people you know in real life.",
        "Never share your address, school or passwords.",
        "If someone asks you to keep a secret, tell an adult you trust.",
        "Use the report button in the game.",
    ]


def test_bold_headed_paragraphs_keep_curly_quotes_and_dashes():
    _, advice = convert(ARTICLES / "bold-headed.md")
    assert advice.source.title == "Advice if you are being blackmailed online"  # bold line
    assert advice.summary == (
        "Criminals sometimes trick people into sharing images and then demand money. "
        "It\u2019s a crime \u2014 and it\u2019s never the victim\u2019s fault."
    )
    assert texts(advice) == [
        "Don\u2019t pay: paying rarely stops the threats, and they may ask for more.",
        "Stop contact: Block the account but don\u2019t delete your messages.",
        "Tell someone you trust. "
        "A parent, carer or teacher can help you decide what to do next.",
        "Report it: tell the platform using its \u201creport\u201d button.",
        "Report it: call the police on 101, or 999 if you are in danger now.",
    ]  # "**never** judge" is emphasis inside a paragraph, not advice
    assert [m.id for m in advice.messages] == [
        "dont-pay", "stop-contact", "tell-someone-you-trust", "report-it", "report-it-2",
    ]


def test_consecutive_bold_headed_lines_are_separate_messages(tmp_path):
    article = tmp_path / "tight.md"
    article.write_text(
        "# Tips\n\n**Don't pay** – it rarely stops.\n**Block them** – then report.\n",
        encoding="utf-8",
    )
    _, advice = convert(article)
    assert texts(advice) == ["Don't pay: it rarely stops.", "Block them: then report."]


def test_crlf_and_byte_order_mark(tmp_path):
    article = tmp_path / "windows.md"
    article.write_bytes(
        "\ufeff---\r\ntitle: T\r\ndate: 6 Feb 2018\r\n---\r\n* One\r\n* Two\r\n".encode()
    )
    _, advice = convert(article)
    assert advice.source.title == "T" and advice.source.date == dt.date(2018, 2, 6)
    assert texts(advice) == ["One", "Two"]


@pytest.mark.parametrize("date", ["sometime in spring", "2018-02-30"])
def test_unreadable_date_is_flagged(tmp_path, date):
    article = tmp_path / "odd-date.md"
    article.write_text(f"---\ntitle: T\ndate: {date}\n---\n* One\n", encoding="utf-8")
    text, advice = convert(article)
    assert advice.source.date == TODAY
    assert f"# date '{date}' in the article could not be read: check it" in text


# ------------------------------------------------------------------- errors


def test_article_without_advice_is_an_error(monkeypatch):
    monkeypatch.chdir(ARTICLES)
    with pytest.raises(ContentError) as caught:
        import_advice(Path("no-advice.md"))
    assert str(caught.value) == (
        "no-advice.md: no advice found: the article needs a bullet list or "
        "bold-headed paragraphs of advice"
    )


def test_non_utf8_article_names_the_line_and_the_fix(monkeypatch):
    monkeypatch.chdir(ARTICLES)
    with pytest.raises(ContentError) as caught:
        import_advice(Path("latin1.md"))
    assert str(caught.value) == (
        "latin1.md:5: the article is not UTF-8 text (byte 0xe9 cannot be read): "
        "open it in a text editor and save it as UTF-8"
    )


def test_broken_front_matter_names_the_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("broken.md").write_text("---\ntitle: T\narea: [Kent\n---\n* One\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        import_advice(Path("broken.md"))
    message = str(caught.value)
    assert message.startswith("broken.md:")
    assert "the front matter is not valid YAML" in message and "fix or remove it" in message


# ---------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    "value",
    [
        "6 Feb 2018",
        "6 February 2018",
        "6th February 2018",
        "Tuesday, 6 February 2018",
        "February 6, 2018",
        "2018-02-06",
        "06/02/2018",
        "6/2/2018",
        dt.date(2018, 2, 6),
        dt.datetime(2018, 2, 6, 9, 30),
    ],
)
def test_parse_date_shapes(value):
    assert parse_date(value) == dt.date(2018, 2, 6)


@pytest.mark.parametrize("value", ["6 February", "spring 2018", "31/02/2018", ""])
def test_parse_date_rejects_incomplete_or_impossible_dates(value):
    assert parse_date(value) is None


def test_clean_markdown():
    assert clean_markdown(
        "**Don’t** __pay__ *them*:  see [Action Fraud](https://x.uk) or `101`\u00a0now "
        "&amp; 1\\. in\u200bvisible\x07"
    ) == "Don’t pay them: see Action Fraud or 101 now & 1. invisible"
