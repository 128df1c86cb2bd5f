"""Tests for knowledge.langid: script rules, the three voters, and the conversation context.

The sentences here are written for these tests; none is a training line (langdata/phrases.yaml)
or a held-out evaluation line (langdata/heldout.yaml).
"""
import dataclasses
import subprocess
import sys
import time

import pytest

from knowledge import langid
from knowledge.langid import Guess, detect

GREETINGS = [
    ("hi", "en"), ("hello", "en"), ("thanks", "en"),
    ("안녕하세요", "ko"), ("xin chào", "vi"), ("привет", "ru"), ("Сайн байна уу", "mn"),
    ("Салам", "uz"), ("Assalomu alaykum", "uz"), ("bonjour", "fr"), ("merci", "fr"),
    ("hola", "es"), ("gracias", "es"), ("مرحبا", "ar"), ("你好", "zh"), ("こんにちは", "ja"),
    ("namaste", "hi"), ("नमस्ते", "hi"), ("halo apa kabar", "id"), ("terima kasih", "id"),
]

SHORT = [
    ("thank you very much", "en"), ("yes, please", "en"), ("good night", "en"),
    ("спасибо большое", "ru"), ("да, конечно", "ru"),
    ("gracias por la ayuda", "es"), ("sí, claro", "es"),
    ("merci pour votre aide", "fr"), ("oui merci", "fr"),
    ("terima kasih ya", "id"), ("selamat pagi kak", "id"),
    ("rahmat, tushunarli", "uz"), ("Баярлалаа, маш их тусаллаа", "mn"),
    ("cảm ơn nhé", "vi"), ("좋아요 감사합니다", "ko"), ("谢谢你", "zh"), ("了解しました", "ja"),
]

SENTENCES = [
    ("Chet ellik qanday qilib startap vizasini olishi mumkin?", "uz"),
    ("Гадаад иргэн стартап виз хэрхэн авах вэ?", "mn"),
    ("Как иностранцу получить стартап-визу?", "ru"),
    ("Hello, I'm planning to move to Korea next year and start an AI company.", "en"),
    ("Is the startup visa still valid if my company fails?", "en"),
    ("We raised a seed round in the US, can we still apply for Korean government funding?", "en"),
    ("How do I open a corporate bank account as a foreigner?", "en"),
    ("외국인 창업자를 위한 창업보육센터 입주 조건이 궁금합니다.", "ko"),
    ("D-8-4 비자 연장은 어떻게 하나요?", "ko"),
    ("我想在首尔成立一家人工智能公司，需要什么条件？", "zh"),
    ("外国创业者可以申请政府的研发资金吗？", "zh"),
    ("韓国で起業したいのですが、どのビザが必要ですか？", "ja"),
    ("法人口座を開設するのに必要なものを教えてください。", "ja"),
    ("Tôi muốn mở một công ty công nghệ ở Seoul, cần những điều kiện gì?", "vi"),
    ("Gia đình tôi có thể đi cùng theo visa D-8 không?", "vi"),
    ("cho toi hoi ve chuong trinh ho tro khoi nghiep", "vi"),
    ("Я планирую открыть IT-компанию в Сеуле, какие нужны документы?", "ru"),
    ("Может ли моя семья приехать со мной по визе D-8?", "ru"),
    ("Men Seulda IT kompaniya ochmoqchiman, qanday hujjatlar kerak?", "uz"),
    ("Oilam men bilan D-8 vizasida kela oladimi?", "uz"),
    ("Кореяда стартап очиш учун қандай ҳужжатлар керак?", "uz"),
    ("Би Сөүлд мэдээллийн технологийн компани нээх гэж байна, ямар бичиг баримт хэрэгтэй вэ?", "mn"),
    ("Гадаадын стартапуудад ямар дэмжлэгийн хөтөлбөр байдаг вэ?", "mn"),
    ("Saya berencana membuka perusahaan teknologi di Seoul, dokumen apa yang diperlukan?", "id"),
    ("Apakah keluarga saya bisa ikut dengan visa D-8?", "id"),
    ("Estoy planeando abrir una empresa de tecnología en Seúl, ¿qué documentos necesito?", "es"),
    ("¿Qué programas de apoyo hay para startups extranjeras?", "es"),
    ("Je compte créer une entreprise technologique à Séoul, quels documents me faut-il ?", "fr"),
    ("Quels programmes d'accompagnement existent pour les startups étrangères ?", "fr"),
    ("أخطط لفتح شركة تقنية في سيول، ما هي الوثائق التي أحتاجها؟", "ar"),
    ("هل يمكن لعائلتي مرافقتي بتأشيرة D-8؟", "ar"),
    ("मैं सियोल में एक टेक कंपनी खोलना चाहता हूँ, कौन से कागज़ात चाहिए?", "hi"),
    ("क्या मेरा परिवार D-8 वीज़ा पर मेरे साथ आ सकता है?", "hi"),
    # Mixed scripts and noise: the language of most of the words wins.
    ("How do I apply for a 창업비자?", "en"),
    ("TIPS 프로그램 신청하고 싶어요", "ko"),
    ("Can you send me the link https://www.k-startup.go.kr please", "en"),
    # Languages outside the supported set come out when the text is long and clear.
    ("Guten Tag, ich möchte in Korea eine Firma gründen.", "de"),
    ("Olá, gostaria de abrir uma empresa na Coreia do Sul.", "pt"),
    ("สวัสดีครับ ผมอยากเปิดบริษัทที่เกาหลี", "th"),
    # Script rules for neighbours of the supported languages.
    ("سلام، چطور می‌توانم ویزای استارتاپ بگیرم؟", "fa"),
    ("Привіт, як отримати візу?", "uk"),
]


@pytest.mark.parametrize("text, lang", GREETINGS + SHORT + SENTENCES)
def test_detects_language_without_context(text, lang):
    assert detect(text).lang == lang


@pytest.mark.parametrize(
    "text, prior, history, lang",
    [
        ("ok", "vi", (), "vi"),
        ("ok", "vi-VN", (), "vi"),
        ("Okay", "id-ID,id;q=0.9,en;q=0.8", (), "id"),
        ("ok", "en", ["ko"], "ko"),  # history before prior
        ("cam on", None, ["vi"], "vi"),
        ("no", None, ["es", "es"], "es"),
        ("会社", None, ["ja"], "ja"),
        ("会社", None, (), "zh"),
        ("merci", None, ["en"], "fr"),  # a clear foreign word is not swallowed by the context
        ("привет", "vi", ["vi"], "ru"),  # the script settles it
        ("How can my company apply for the TIPS programme next year?", "ko", ["ko", "ko"], "en"),
        ("Xin chào, tôi muốn hỏi về visa khởi nghiệp", "en", ["en"], "vi"),
    ],
)
def test_context(text, prior, history, lang):
    assert detect(text, prior=prior, history=history).lang == lang


@pytest.mark.parametrize("text", ["D-8-4", "TIPS", "12345", "https://www.hikorea.go.kr", "D-8-4 / OASIS-1", "  "])
def test_no_words_keeps_the_conversation_language(text):
    assert detect(text).lang == "en"
    assert detect(text, prior="fr").lang == "fr"
    kept = detect(text, prior="fr", history=["en", "mn"])
    assert kept.lang == "mn"
    assert kept.confidence < 0.5


@pytest.mark.parametrize("text, lang", [
    ("D-8-4签证要准备哪些材料？", "zh"), ("公司成立5年了，还能申请吗？", "zh"), ("D-10-2で滞在中にアルバイトってできますか？", "ja"),
    ("投資額が3億ウォン未満だと何が必要ですか？", "ja"), ("연 3% 이자로 대출 가능한가요?", "ko"),
    ("E-7 비자로 창업할 수 있나요?", "ko"), ("Có 3 người trong nhóm", "vi"),
])
def test_numbers_and_codes_inside_unspaced_text_do_not_hide_it(text, lang):
    # CJK text has no spaces: a digit must not take the whole sentence out with it
    assert detect(text).lang == lang


def test_most_recent_history_counts_most():
    assert detect("ok", history=["ru", "ru", "uz"]).lang == "uz"


def test_guess_is_frozen_with_scores():
    guess = detect("Как открыть компанию в Корее?")
    assert isinstance(guess, Guess)
    assert 0.0 <= guess.confidence <= 1.0
    assert guess.scores["ru"] == max(guess.scores.values())
    with pytest.raises(dataclasses.FrozenInstanceError):
        guess.lang = "en"


def test_long_text_is_more_confident_than_ambiguous_text():
    assert detect("ok", prior="vi").confidence < 0.5
    assert detect("Can my co-founder get a visa if she is still a student in Korea?").confidence > 0.8


def test_deterministic():
    text = "halo apa kabar"
    assert {detect(text) for _ in range(3)} == {detect(text)}


def test_import_does_no_work():
    code = "import sys, knowledge.langid as l; print(sorted(m for m in ('langdetect', 'gcld3') if m in sys.modules), l._models)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] {}"


def test_training_is_fast_and_cached():
    langid.clear_cache()
    start = time.perf_counter()
    model = langid.get_model()
    assert time.perf_counter() - start < 2.0
    assert langid.get_model() is model
    assert set(langid.LANGS) <= model.langs
    assert ("uz", "cyrillic") in model.counts  # transliterated from the Latin text


def test_training_data_reads_seeds_and_nlu(tmp_path):
    seeds = tmp_path / "knowledge" / "seed" / "programs"
    seeds.mkdir(parents=True)
    (seeds / "demo.yaml").write_text(
        "id: demo\ntext:\n  vi:\n    title: Chương trình thử\n    questions: ['Tôi có được hỗ trợ không?']\n"
        "  mn:\n    summary: Туршилтын хөтөлбөр\n",
        encoding="utf-8",
    )
    (seeds / "broken.yaml").write_text("text: [unclosed", encoding="utf-8")
    nlu = tmp_path / "data" / "nlu"
    (nlu / "uz").mkdir(parents=True)
    (nlu / "greet_fr.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - coucou\n    - salut [Marie](name)\n'
        "# lang: es\n- intent: thanks\n  examples: |\n    - mil gracias\n",
        encoding="utf-8",
    )
    (nlu / "uz" / "faq.yml").write_text("nlu:\n- intent: faq\n  examples: |\n    - viza haqida\n", encoding="utf-8")
    (nlu / "misc.yml").write_text("nlu:\n- intent: x\n  examples: |\n    - no language known\n", encoding="utf-8")

    data = langid.load_training_data(tmp_path)

    assert "Chương trình thử" in data.texts["vi"] and "Tôi có được hỗ trợ không?" in data.texts["vi"]
    assert "Туршилтын хөтөлбөр" in data.texts["mn"]
    assert data.phrases["fr"][-2:] == ["coucou", "salut Marie"]
    assert data.phrases["es"][-1] == "mil gracias"
    assert data.phrases["uz"][-1] == "viza haqida"
    assert all("no language known" not in lines for lines in data.phrases.values())
    assert "Chương trình thử" not in data.phrases["vi"]  # seed texts train the n-grams only
    assert data.fingerprint() == langid.load_training_data(tmp_path).fingerprint()

    model = langid.get_model(tmp_path)
    assert model.predict("coucou", ["fr", "en"]) == ({"fr": 1.0}, True)


def test_heldout_accuracy(capsys):
    from knowledge import langid_eval

    accuracy = langid_eval.main()
    print(capsys.readouterr().out)  # shown with pytest -s
    assert accuracy >= 0.9
