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
    starts = [  # the officer's quoted words first, then the list, in article order
        "We would advise anyone against sending intimate pictures",
        "It is also important to remember that you should never transfer money",
        "Only accept friend requests on social media",
        "Not everyone online",
        "Never transfer money",
        "If someone you are speaking to online",
        "Think twice before you post online - once",
        "If you feel you have been a victim",
    ]
    assert len(advice.messages) == 8
    for text, start in zip(texts(advice), starts):
        assert text.startswith(start)
    assert not any("Richard Denton said" in t or "criminal offence" in t for t in texts(advice))
    assert texts(advice)[7].endswith("call police on 101.")
    assert [m.id for m in advice.messages][3:5] == ["not-everyone-online", "never-transfer-money"]


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
        "no-advice.md: no advice found: no list item, bold-headed paragraph or sentence of "
        "advice (an instruction such as 'Block the account', or 'you should…') in the "
        "article; check it is the advice page, or write the advice file by hand"
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


# ------------------------------------------------- advice in prose, any shape


def messages_with_lines(name: str) -> list[tuple[str, int]]:
    """(text, article line) of each message, the line read from the draft's comments."""
    import re

    text, advice = convert(ARTICLES / name)
    lines = [int(n) for n in re.findall(rf"^  - id: \S+  # {re.escape(name)}, line (\d+)$",
                                        text, re.M)]
    assert len(lines) == len(advice.messages)
    return list(zip(texts(advice), lines))


def test_plain_paragraphs_with_no_list_give_their_advice_sentences():
    assert messages_with_lines("prose-only.md") == [
        ("If someone you have only met online asks you to keep your chats a secret, stop "
         "replying and tell an adult you trust. A parent, a carer or a teacher will want to "
         "help.", 12),
        ("Don't pay anyone who threatens to share a picture of you. Paying rarely stops the "
         "threats.", 15),
        ("Block the account, but keep the messages as evidence.", 16),
    ]  # the closing "It is never their fault" describes; it is not an instruction
    _, advice = convert(ARTICLES / "prose-only.md")
    assert advice.summary.startswith("Offenders often pretend to be young people")


def test_advice_inside_an_officers_quoted_words_without_the_attribution():
    assert messages_with_lines("quoted-officer.md") == [
        ("If a gaming friend offers you skins or gift cards, talk to a parent before you "
         "accept anything.", 13),
        ("Remember that you can report a player using the button in the game, and you "
         "should never move to a private app with someone you have not met.", 16),
    ]  # "We see children…" and "It was brilliant to visit…, she added" are not advice


def test_a_closing_remember_paragraph_is_advice():
    assert messages_with_lines("remember-closing.md") == [
        ("Remember, it is not your fault and you are not in trouble.", 9),
        ("Talk to someone you trust, and report it to the police on 101 or 999 if you are "
         "in danger now.", 9),
    ]


def test_should_and_can_call_sentences_a_quote_block_and_no_questions():
    assert messages_with_lines("parents-guide.md") == [
        ("Parents should talk to their children about the apps they use and who they chat "
         "to.", 11),
        ("Anyone who is worried about a child can call Eastshire Police on 101.", 12),
        ("Never ask your child to forward or save an image.", 17),
        ("Screenshot the messages, the username and the payment details, never the "
         "picture.", 17),
    ]  # the question, and "We take every report seriously", are not advice


def test_lists_bold_heads_and_prose_in_one_article():
    assert messages_with_lines("mixed-shapes.md") == [
        ("Keep your accounts private.", 13),
        ("Only accept requests from people you know.", 14),
        ("Think before you share: once a picture is sent, you cannot control it.", 16),
        ("If someone makes you feel uncomfortable, you should leave the chat and tell "
         "someone.", 18),
    ]


@pytest.mark.parametrize("sentence, advice", [
    ("Block the account.", True),
    ("Don’t pay.", True),
    ("If you are worried, talk to someone you trust.", True),
    ("Please report it to the platform.", True),
    ("You should never send money.", True),
    ("Young people can always call Childline on 0800 1111.", True),
    ("We would urge anyone who is targeted to report it.", True),
    ("We take every report seriously.", False),
    ("Do you know who your child talks to?", False),
    ("Games let you talk to people you have never met.", False),
    ("It is never the victim's fault.", False),
])
def test_what_counts_as_an_advice_sentence(sentence, advice):
    from generator.advice_import import is_advice

    assert is_advice(sentence) is advice
