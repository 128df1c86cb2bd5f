"""actions/parsing.py: free-text answers in many languages become canonical slot values."""
import datetime as dt

import pytest

from actions import parsing

TODAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize("text, expected", [
    ("job_seeker", "job_seeker"),
    ("startup_visa", "startup_visa"),
    ("I am on a D-10 visa", "job_seeker"),
    ("I hold the D-8-4", "startup_visa"),
    ("유학생입니다", "student"),
    ("Я студент", "student"),
    ("Estoy en el extranjero todavía", "overseas"),
    ("해외에 거주하고 있어요", "overseas"),
    ("F-5 영주권자", "resident"),
    ("I work here on an E-7 visa", "work_visa"),
    ("je suis investisseur (D-8-1)", "investor_visa"),
    ("한국인이에요", "korean"),
    ("मैं अभी भारत में हूँ", "overseas"),
    ("मैं कोरिया में छात्र हूँ", "student"),
    ("स्टार्टअप वीज़ा के लिए आवेदन किया है", "startup_visa"),
    ("still living in Berlin, no Korean visa yet", "overseas"),
    ("mình vẫn ở Hà Nội, chưa có visa Hàn", "overseas"),
    ("저는 한국 사람이에요", "korean"),
    ("banana", None),
    ("", None),
])
def test_parse_founder_status(text, expected):
    assert parsing.parse_founder_status(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("pre_founding", ("pre_founding", 0.0)),
    ("growth", ("growth", None)),
    ("not yet", ("pre_founding", 0.0)),
    ("아직 설립 전이에요", ("pre_founding", 0.0)),
    ("ещё не основали", ("pre_founding", 0.0)),
    ("2 years", ("early", 2.0)),
    ("since 2021", ("growth", 5.0)),
    ("6개월", ("early", 0.5)),
    ("两年", ("early", 2.0)),
    ("अभी कंपनी नहीं बनी", ("pre_founding", 0.0)),
    ("२०२१ से", ("growth", 5.0)),
    ("6 महीने", ("early", 0.5)),
    ("3 साल से कम", ("early", 2.5)),
    ("कम से कम 3 साल", ("growth", 3.0)),  # "at least": not "less than"
    ("less than 3 years", ("early", 2.5)),
    ("more than 7", ("mature", 7.5)),
    ("10", ("mature", 10.0)),
    ("no idea", (None, None)),
    # founded, age not given: the form asks it next
    ("yes, it's registered", (parsing.FOUNDED, None)),
    ("sí, ya está constituida", (parsing.FOUNDED, None)),
    ("نعم، الشركة قائمة", (parsing.FOUNDED, None)),
    ("हाँ, कंपनी रजिस्टर्ड है", (parsing.FOUNDED, None)),
    ("公司已经成立了", (parsing.FOUNDED, None)),
    # ages without a number
    ("はい、去年法人を作りました", ("early", 1.0)),
    ("да, зарегистрировали полгода назад", ("early", 0.5)),
    ("ça fait un an", ("early", 1.0)),
])
def test_parse_company_stage(text, expected):
    assert parsing.parse_company_stage(text, today=TODAY) == expected


@pytest.mark.parametrize("years, stage", [(0, "early"), (2.9, "early"), (3, "growth"), (7, "growth"), (7.5, "mature")])
def test_stage_for_age(years, stage):
    assert parsing.stage_for_age(years) == stage


@pytest.mark.parametrize("text, expected", [
    ("ai", "ai"),
    ("we build an AI tutor", "ai"),
    ("solar panels", "green"),
    ("компания в сфере солнечной энергии", "green"),
    ("mobile app", "ict"),
    ("게임 개발", "content"),
    ("自動車部品の製造", "manufacturing"),
    ("medical devices for hospitals", "bio"),
    ("हम मोबाइल ऐप बनाते हैं", "ict"),
    ("सोलर ऊर्जा", "green"),
    ("other", "other"),
    ("ウェブトゥーンの制作スタジオ", "content"),
    ("разрабатываем лекарства от диабета", "bio"),
    ("olah sampah makanan jadi pupuk", "green"),
    ("fabricamos drones para agricultura", "manufacturing"),
    ("mebel ishlab chiqaramiz", "manufacturing"),
    ("نعمل في الشحن والخدمات اللوجستية", "other"),
    ("xyz", None),
])
def test_parse_sector(text, expected):
    assert parsing.parse_sector(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("yes", True), ("planning", True), ("no", False),
    ("아니요 서울이에요", False), ("네 전북 전주에 있어요", True), ("không", False),
    ("Не в Чонбуке", False), ("有，在全州", True), ("not yet but planning to move", True), ("hmm", None),
    ("हाँ, जॉनजू में", True), ("नहीं, सियोल में", False), ("अभी नहीं, पर वहाँ शिफ़्ट होने की योजना है", True),
    ("いいえ、ソウルの予定です", False),  # a plan, but for Seoul
    ("we plan to move to Jeonju from Seoul", True),
])
def test_parse_in_jeonbuk(text, expected):
    assert parsing.parse_in_jeonbuk(text) is expected


@pytest.mark.parametrize("text, current, expected", [
    ("please answer in Vietnamese", "en", "vi"),
    ("한국어로 말해줘", "en", "ko"),
    ("switch from English to Vietnamese", "en", "vi"),
    ("answer in Vietnamese instead of English", "en", "vi"),
    ("可以说英语吗？", "zh", "en"),
    ("Говори по-русски", "en", "ru"),
    ("हिंदी में जवाब दो", "en", "hi"),
    ("अंग्रेज़ी नहीं, हिन्दी में बात करें", "en", "hi"),
    ("힌디어로 답해 주세요", "ko", "hi"),
    ("इंग्लिश में बात करो", "hi", "en"),
    ("change the language", "en", None),
])
def test_requested_language(text, current, expected):
    assert parsing.requested_language(text, current) == expected


@pytest.mark.parametrize("text", ["stop", "그만", "रुकिए", "ये सवाल बंद करें", "रहने दीजिए", "बस करो"])
def test_stop_requests(text):
    assert parsing.is_stop_request(text)


def test_precomposed_and_combining_nukta_are_the_same():
    precomposed = "\u095b\u0930\u0942\u0930"  # "ज़रूर" with U+095B
    assert parsing.normalize(precomposed) == "\u091c\u093c\u0930\u0942\u0930"
    assert parsing.parse_in_jeonbuk(precomposed) is True


def test_ascii_keywords_match_whole_words_only():
    assert parsing.has_keyword("it is said", ["ai"]) is False
    assert parsing.has_keyword("manufacturing", ["manufactur*"]) is True


def test_entity_value_takes_the_last_matching_entity():
    entities = [{"entity": "language", "value": "en"}, {"entity": "programme_id", "value": "tips"}]
    assert parsing.entity_value(entities, "programme_id") == "tips"
    assert parsing.entity_value(entities, "sector") is None
    assert parsing.entity_value(None, "sector") is None


@pytest.mark.parametrize("text, expected", [("what is TIPS?", True), ("TIPS가 뭐예요？", True), ("ما هو TIPS؟", True),
                                            ("AI for image analysis", False), ("", False)])
def test_is_question(text, expected):
    assert parsing.is_question(text) is expected
