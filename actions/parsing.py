"""Pure helpers that turn what a founder typed (in any of our languages) into slot values.

No Rasa, no I/O: every function takes text and returns a canonical value or ``None`` when it
cannot tell. Canonical values are the vocabulary of the programme record format
(knowledge/records.py ``ELIGIBILITY_VOCAB``), which is also what the form buttons send.

Keyword matching: ASCII keywords match whole words (a trailing ``*`` allows any ending, so
``manufactur*`` matches "manufacturing"); other scripts match as substrings, because Korean,
Japanese and Chinese attach particles and Russian inflects.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from typing import Iterable, Optional

FOUNDER_STATUSES = ("overseas", "student", "job_seeker", "startup_visa", "investor_visa",
                    "work_visa", "resident", "korean")
STAGES = ("pre_founding", "early", "growth", "mature")
SECTORS = ("ict", "ai", "manufacturing", "bio", "content", "green", "other")
LANGUAGES = ("en", "ko", "zh", "ja", "vi", "ru", "uz", "mn", "id", "es", "fr", "ar", "hi")

# Checked in this order: the first status with a keyword in the text wins, so the more specific
# visa codes come before the generic words.
STATUS_KEYWORDS = {
    "startup_visa": ["d-8-4", "d84", "d 8 4", "startup visa", "start-up visa", "창업비자", "창업 비자", "기술창업",
                     "创业签证", "起業ビザ", "創業ビザ", "visa khởi nghiệp", "стартап-виз", "стартап виз",
                     "startap viza", "стартап виз", "visa startup", "visa de startup", "visado de startup",
                     "visa de emprendedor", "visado de emprendedor", "visa entrepreneur", "تأشيرة الشركات الناشئة",
                     "स्टार्टअप वीज़ा", "स्टार्टअप वीजा", "स्टार्ट-अप वीज़ा", "स्टार्ट-अप वीजा"],
    "investor_visa": ["d-8-1", "d-8", "d8", "investor*", "투자비자", "투자 비자", "기업투자", "投资签证", "投資ビザ",
                      "visa đầu tư", "инвестор", "хөрөнгө оруулагч", "inversor", "inversionista",
                      "investisseur", "مستثمر", "निवेशक", "इन्वेस्टर", "इनवेस्टर", "निवेश वीज़ा",
                      "निवेश वीजा"],
    "job_seeker": ["d-10", "d-10-2", "d10", "job seeker", "job-seeker", "job seeking", "구직", "求职", "求職",
                   "tìm việc", "поиск работы", "ищу работу", "ish qidir", "ажил хайх", "pencari kerja",
                   "cari kerja", "búsqueda de empleo", "busqueda de empleo", "buscando empleo",
                   "recherche d'emploi", "البحث عن عمل", "जॉब सीकर", "नौकरी की तलाश", "नौकरी ढूँढ", "नौकरी ढूंढ",
                   "नौकरी खोज", "जॉब ढूँढ", "जॉब ढूंढ", "जॉब की तलाश"],
    "student": ["d-2", "d2", "d-4", "d4", "student*", "university", "graduate school", "유학생", "학생", "대학원",
                "学生", "留学", "sinh viên", "du học", "học sinh", "студент", "учусь", "talaba", "oʻqiyman",
                "o'qiyman", "оюутан", "mahasiswa", "pelajar", "estudiante", "étudiant", "etudiant", "طالب",
                "أدرس", "छात्र", "विद्यार्थी", "स्टूडेंट", "पढ़ाई", "पढ़ता", "पढ़ती", "यूनिवर्सिटी",
                "विश्वविद्यालय"],
    "overseas": ["abroad", "overseas", "outside korea", "not in korea", "해외", "외국에 살", "한국에 없", "海外",
                 "在国外", "还没来韩", "尚未来韩", "国外", "ở nước ngoài", "за рубежом", "за границей",
                 "не в корее", "chet elda", "xorijda", "гадаадад", "гадаад улсад", "di luar negeri", "luar negeri",
                 "en el extranjero", "fuera de corea", "à l'étranger", "a l'étranger", "hors de corée",
                 "في الخارج", "خارج كوريا", "still living in", "still live in", "masih tinggal di", "masih di", "विदेश में", "कोरिया से बाहर", "कोरिया में नहीं", "भारत में",
                 # "no Korean visa yet": the more specific visas above are checked first
                 "no visa", "no korean visa", "don't have a visa", "without a visa", "비자 없", "비자가 없",
                 "没有签证", "还没有签证", "ビザがない", "ビザはない", "ビザはまだ", "chưa có visa", "không có visa",
                 "нет визы", "визы нет", "без визы", "viza yo'q", "vizam yo'q", "viza yoʻq", "визгүй",
                 "виз байхгүй", "belum punya visa", "belum ada visa", "tidak punya visa", "sin visa",
                 "no tengo visa", "pas de visa", "pas encore de visa", "sans visa", "ليس لدي تأشيرة",
                 "لا أملك تأشيرة", "بدون تأشيرة", "वीज़ा नहीं", "वीजा नहीं"],
    "resident": ["f-2", "f-4", "f-5", "f-6", "f2", "f5", "f6", "resident*", "permanent residen*", "marriage visa",
                 "영주", "거주", "결혼이민", "永住", "婚姻", "定住", "thường trú", "cư trú", "kết hôn",
                 "вид на жительство", "пмж", "резидент", "rezident", "doimiy yashash", "оршин суугч",
                 "penduduk tetap", "izin tinggal tetap", "residente", "résident", "مقيم", "إقامة دائمة",
                 "कोरिया का निवासी", "कोरिया की निवासी", "कोरिया के निवासी", "स्थायी निवास", "रेज़िडेंट",
                 "रेजिडेंट", "शादी वीज़ा", "शादी वीजा", "मैरिज वीज़ा", "मैरिज वीजा", "विवाह वीज़ा",
                 "कोरियाई से शादी", "कोरियाई पति", "कोरियाई पत्नी"],
    "work_visa": ["e-7", "e7", "e-1", "e-2", "e-3", "e-4", "e-5", "e-6", "e-9", "h-1", "work visa", "working visa",
                  "employed", "취업비자", "취업 비자", "직장", "근무", "工作签证", "工签", "就労", "visa lao động",
                  "visa làm việc", "đang làm việc", "рабочая виза", "работаю", "ish vizasi", "ishlayman",
                  "ажлын виз", "ажилладаг", "visa kerja", "bekerja", "visado de trabajo", "visa de trabajo",
                  "visa de travail", "je travaille", "تأشيرة عمل", "वर्क वीज़ा", "वर्क वीजा", "वर्क परमिट",
                  "नौकरी करता", "नौकरी करती", "नौकरी कर रहा", "नौकरी कर रही", "जॉब करता", "जॉब करती",
                  "नौकरीपेशा"],
    "korean": ["korean citizen", "korean national", "i am korean", "i'm korean", "korean", "한국 국적", "한국인",
               "내국인", "韩国国籍", "韩国人", "韓国籍", "韓国人", "công dân hàn", "người hàn", "гражданин кореи",
               "кореец", "кореянка", "koreya fuqarosi", "солонгосын иргэн", "warga negara korea",
               "ciudadano coreano", "ciudadana coreana", "soy coreano", "soy coreana", "citoyen coréen",
               "citoyenne coréenne", "je suis coréen", "مواطن كوري", "كوري الجنسية", "कोरियाई नागरिक",
               "कोरियन नागरिक", "कोरिया का नागरिक", "कोरिया की नागरिक", "मैं कोरियाई हूँ", "मैं कोरियाई हूं",
               "한국 사람", "한국사람", "korean citizenship", "солонгосын иргэншил", "韩国公民", "国籍是韩国"],
}

PRE_FOUNDING_KEYWORDS = [
    "pre_founding", "pre-founding", "not yet", "not founded", "no company", "haven't", "have not", "idea stage",
    "pre-startup", "아직", "설립 전", "창업 전", "예비", "还没", "尚未", "没有公司", "未成立", "まだ", "未設立",
    "設立前", "chưa", "ещё не", "еще не", "пока нет", "нет компании", "не основ", "hali", "хараахан",
    "байгуулаагүй", "belum", "todavía no", "todavia no", "aún no", "aun no", "no tengo empresa", "pas encore",
    "pas de société", "pas d'entreprise", "لم أؤسس", "ليس بعد", "لا توجد شركة", "अभी नहीं", "अभी तक नहीं",
    "कंपनी नहीं", "स्थापित नहीं", "रजिस्टर नहीं", "शुरू नहीं", "आइडिया स्टेज", "आइडिया के स्तर",
]
# "Yes, the company is registered" without its age: the form then asks the age (FOUNDED stands in for
# the stage until it does). Checked after PRE_FOUNDING_KEYWORDS ("not yet founded") and after a number.
FOUNDED = "founded"
FOUNDED_KEYWORDS = [
    "yes", "yeah", "yep", "founded", "registered", "incorporated", "established", "we have a company",
    "네", "예", "설립", "등록했", "법인 있", "창업했", "是的", "成立", "注册了", "有公司", "はい", "設立", "登記",
    "作りました", "đã thành lập", "thành lập rồi", "đăng ký rồi", "đã đăng ký", "rồi", "có công ty", "зарегистр", "основа", "открыл",
    "есть компания", "уже есть", "компания есть", "ro'yxatdan", "roʻyxatdan", "ochilgan", "ochdik", "tashkil", "тийм", "байгуулагдсан",
    "байгуулсан", "бүртгүүлсэн", "бүртгэлтэй", "sudah", "berdiri", "terdaftar", "didirikan", "sí", "constituida",
    "registrada", "fundada", "oui", "enregistrée", "enregistree", "créée", "creee", "immatriculée", "fondée",
    "نعم", "قائمة", "مسجلة", "أسست", "تأسست", "हाँ", "हां", "रजिस्टर्ड", "पंजीकृत", "स्थापित हो", "बन गई",
    "बना ली",
]
# Ages said without a number: "last year", "half a year ago", "this year".
RELATIVE_YEARS = {  # longer phrases first: "a year and a half" before "a year"
    1.5: ["a year and a half", "year and a half", "1년 반", "一年半", "полтора года", "un an et demi", "año y medio",
          "satu setengah tahun", "bir yarim yil", "डेढ़ साल", "سنة ونصف"],
    2.0: ["two years", "두 해", "两年前", "два года", "ikki yil", "хоёр жил", "dua tahun", "dos años", "deux ans",
          "سنتين", "سنتان", "दो साल"],
    10.0: ["ten years", "десять лет", "лет десять", "o'n yil", "арван жил", "sepuluh tahun", "diez años", "dix ans",
           "عشر سنوات", "दस साल"],
    1.0: ["last year", "a year ago", "one year", "작년", "지난해", "去年", "昨年", "năm ngoái", "năm trước",
          "в прошлом году", "год назад", "o'tgan yil", "oʻtgan yil", "өнгөрсөн жил", "tahun lalu", "el año pasado",
          "hace un año", "l'année dernière", "l'an dernier", "il y a un an", "un an", "un año", "العام الماضي", "السنة الماضية",
          "पिछले साल", "एक साल"],
    0.5: ["this year", "half a year", "six months", "올해", "반년", "今年", "半年", "năm nay", "nửa năm",
          "в этом году", "полгода", "bu yil", "yarim yil", "энэ жил", "хагас жил", "tahun ini", "setengah tahun",
          "este año", "medio año", "seis meses", "cette année", "six mois", "هذا العام", "هذه السنة", "نصف سنة",
          "ستة أشهر", "इस साल", "छह महीने", "आधा साल"],
}
LESS_THAN = ["less than", "under", "below", "미만", "이하", "不到", "少于", "未満", "dưới", "меньше", "менее",
             "kam", "доош", "бага", "kurang", "menos", "moins", "أقل", "साल से कम", "वर्ष से कम",
             "महीने से कम", "महीनों से कम", "से भी कम", "के अंदर", "के भीतर"]
MORE_THAN = ["more than", "over", "above", "초과", "이상", "超过", "以上", "超", "trên", "больше", "более",
             "ortiq", "дээш", "илүү", "lebih", "más", "mas de", "plus de", "أكثر", "से ज़्यादा", "से ज्यादा",
             "से अधिक", "से ऊपर"]
MONTHS = ["month*", "개월", "달", "个月", "個月", "ヶ月", "か月", "カ月", "tháng", "месяц", "мес", "oy",
          "сар", "bulan", "mes*", "mois", "شهر", "أشهر", "महीना", "महीने", "महीनों", "माह"]

SECTOR_KEYWORDS = {
    "ai": ["ai", "a.i.", "artificial intelligence", "machine learning", "deep learning", "ml", "data", "llm",
           "인공지능", "데이터", "머신러닝", "人工智能", "数据", "机器学习", "人工知能", "データ", "機械学習",
           "trí tuệ nhân tạo", "dữ liệu", "искусственн", "данные", "машинн", "sunʼiy intellekt",
           "sun'iy intellekt", "хиймэл оюун", "өгөгдөл", "kecerdasan buatan", "inteligencia artificial", "ia",
           "datos", "intelligence artificielle", "données", "الذكاء الاصطناعي", "بيانات", "एआई",
           "आर्टिफ़िशियल इंटेलिजेंस", "आर्टिफिशियल इंटेलिजेंस", "कृत्रिम बुद्धिमत्ता", "मशीन लर्निंग", "डेटा",
           "डाटा",
           "i.a.", "chatbot*", "нейросет", "ذكاء اصطناعي", "اصطناعي", "챗봇", "聊天机器人", "チャットボット", "чат-бот", "чатбот", "شات بوت", "चैटबॉट"],
    "green": ["green", "energy", "environment*", "climate", "solar", "batter*", "recycl*", "cleantech",
              "hydrogen", "carbon", "그린", "에너지", "환경", "탄소", "태양광", "배터리", "수소", "绿色", "能源",
              "环保", "环境", "グリーン", "エネルギー", "環境", "xanh", "năng lượng", "môi trường", "энерг",
              "эколог", "зелён", "зелен", "yashil", "energetika", "energiya", "ekologiya", "ногоон",
              "эрчим хүч", "байгаль орчин", "hijau", "energi", "lingkungan", "verde", "energía", "energia",
              "medio ambiente", "vert", "énergie", "energie", "environnement", "خضراء", "طاقة", "بيئة",
              "ग्रीन", "ऊर्जा", "एनर्जी", "पर्यावरण", "जलवायु", "सोलर", "सौर", "बैटरी", "रीसाइक्लिंग",
              "रिसाइक्लिंग", "हाइड्रोजन", "कार्बन", "क्लीनटेक",
              "electric vehicle*", "ev charging", "surya", "panel surya", "charging station*", "waste", "전기차", "충전소", "폐기물", "쓰레기",
              "电动车", "充电桩", "废物", "垃圾", "電気自動車", "充電", "ゴミ", "廃棄物", "xe điện", "rác thải", "tái chế",
              "электромоб", "зарядн", "перераб", "отход", "chiqindi", "qayta ishla", "хог хаягдал",
              "дахин боловсруул", "kendaraan listrik", "sampah", "limbah", "pupuk", "daur ulang",
              "vehículos eléctricos", "residuos", "reciclaj", "véhicules électriques", "déchets",
              "سيارات الكهربائية", "نفايات", "إعادة التدوير", "इलेक्ट्रिक वाहन", "चार्जिंग", "कचरा", "रीसायकल"],
    "bio": ["bio*", "health*", "medical", "medic*", "pharma*", "medtech", "바이오", "헬스", "의료", "제약", "生物",
            "医疗", "健康", "制药", "バイオ", "医療", "ヘルスケア", "製薬", "sinh học", "y tế", "dược", "био",
            "медицин", "здрав", "фарм", "tibbiyot", "sogʻliq", "sog'liq", "эрүүл мэнд", "эмнэлэг",
            "kesehatan", "medis", "farmasi", "salud", "médic*", "farma*", "santé", "حيوي", "صحة", "طبي", "أدوية",
            "बायो", "हेल्थ", "स्वास्थ्य", "मेडिकल", "चिकित्सा", "फ़ार्मा", "फार्मा", "दवा",
            "drug*", "medicine*", "лекарств", "препарат", "药", "藥", "薬", "thuốc", "dori", "obat",
            "medicamento*", "médicament", "medicament*", "دواء"],
    "manufacturing": ["manufactur*", "hardware", "factory", "device*", "robot*", "iot", "production", "제조",
                      "하드웨어", "공장", "부품", "기계", "制造", "硬件", "工厂", "设备", "製造", "ハードウェア",
                      "工場", "機械", "sản xuất", "phần cứng", "nhà máy", "thiết bị", "производств",
                      "оборудован", "завод", "ishlab chiqar", "apparat", "生产", "零部件", "零件", "mebel", "furniture", "가구", "家具", "мебел", "производим", "zavod", "үйлдвэр",
                      "техник хангамж", "manufaktur", "perangkat keras", "pabrik", "manufactura", "fabricación",
                      "fábrica", "industrie", "fabrication", "matériel", "usine", "تصنيع", "أجهزة", "مصنع",
                      "मैन्युफ़ैक्चरिंग", "मैन्युफैक्चरिंग", "मैन्यूफैक्चरिंग", "विनिर्माण", "उत्पादन",
                      "हार्डवेयर", "फ़ैक्ट्री", "फैक्ट्री", "कारखान", "डिवाइस", "रोबोट", "मशीन",
                      "fabric*", "drone*", "드론", "无人机", "ドローン", "дрон", "dron", "طائرات مسيرة", "ड्रोन"],
    "content": ["content", "game*", "media", "culture", "entertainment", "music", "film", "video", "webtoon",
                "k-pop", "콘텐츠", "게임", "문화", "미디어", "웹툰", "영상", "内容", "游戏", "文化", "媒体",
                "コンテンツ", "ゲーム", "メディア", "nội dung", "trò chơi", "văn hóa", "truyền thông",
                "контент", "игр", "культур", "медиа", "kontent", "oʻyin", "o'yin", "madaniyat", "тоглоом",
                "соёл", "konten", "gim", "budaya", "contenido*", "videojuego*", "cultura", "contenu*", "jeu",
                "jeux", "محتوى", "ألعاب", "ثقافة", "إعلام", "कंटेंट", "गेम", "मीडिया", "संस्कृति", "कल्चर",
                "मनोरंजन", "एंटरटेनमेंट", "संगीत", "म्यूज़िक", "म्यूजिक", "फ़िल्म", "फिल्म", "वीडियो", "वेबटून",
                "ウェブトゥーン", "漫画", "マンガ", "アニメ", "кино", "видео", "продакшн", "фильм", "animation", "anime", "film*"],
    "ict": ["ict", "it", "software", "saas", "app*", "platform*", "web", "fintech", "edtech", "mobile",
            "소프트웨어", "앱", "플랫폼", "정보통신", "软件", "互联网", "应用", "ソフトウェア", "アプリ",
            "情報通信", "phần mềm", "công nghệ thông tin", "cntt", "ứng dụng", "икт", "программ", "софт",
            "приложени", "dastur", "akt", "ilova", "програм", "мхт", "perangkat lunak", "aplikasi", "tik",
            "aplicación", "plataforma", "logiciel", "tic", "plateforme", "برمج", "تطبيق", "تقنية المعلومات",
            "आईटी", "सॉफ़्टवेयर", "सॉफ्टवेयर", "ऐप", "प्लेटफ़ॉर्म", "प्लेटफॉर्म", "वेब", "फ़िनटेक", "फिनटेक",
            "एडटेक", "मोबाइल", "सूचना प्रौद्योगिकी"],
    "other": ["other", "something else", "기타", "其他", "その他", "khác", "другое", "другая", "boshqa", "бусад",
              "lainnya", "otro", "otra", "autre", "أخرى", "آخر", "अन्य", "कुछ और", "कोई और",
              "logistic*", "shipping", "import-export", "trading", "무역", "贸易", "貿易", "xuất nhập khẩu", "импорт", "экспорт", "eksport", "ekspor", "impor", "importación", "exportación", "استيراد", "تصدير", "आयात", "निर्यात", "retail", "food", "restaurant*", "tourism", "education", "school",
              "consulting", "trade", "물류", "유통", "교육", "식품", "관광", "物流", "零售", "教育", "餐饮", "旅游", "飲食", "観光",
              "logistics", "vận chuyển", "giáo dục", "du lịch", "nhà hàng", "логист", "образован", "туризм",
              "ресторан", "o'quv", "oʻquv", "ta'lim", "taʼlim", "logistika", "тээвэр", "боловсрол", "аялал",
              "logistik", "pendidikan", "kuliner", "pariwisata", "logística", "educación", "turismo", "comercio",
              "logistique", "éducation", "tourisme", "commerce", "لوجستية", "لوجستي", "تعليم", "سياحة", "مطعم",
              "तालीम", "शिक्षा", "लॉजिस्टिक", "पर्यटन", "रेस्टोरेंट"],
}

# Asking to leave the eligibility questions, in every supported language (checked only on short messages).
STOP_KEYWORDS = ["stop", "cancel", "quit", "exit", "never mind", "nevermind", "그만", "취소", "중단", "됐어요",
                 "停止", "取消", "算了", "不用了", "やめ", "キャンセル", "中止", "もういい", "dừng", "hủy", "thôi",
                 "стоп", "отмена", "отменить", "хватит", "прекрат", "toʻxta", "to'xta", "bekor", "зогс", "болих",
                 "цуцал", "berhenti", "batal", "hentikan", "parar", "cancelar", "basta", "detener",
                 "dejar las preguntas", "arrêter", "arrête", "annuler", "laisse tomber", "توقف", "إيقاف", "إلغاء",
                 "الغاء", "كفى", "रुको", "रुकें", "रुकिए", "बंद करो", "बंद करें", "बंद कीजिए", "बंद कर दो",
                 "रद्द", "रहने दो", "रहने दें", "रहने दीजिए", "छोड़ो", "छोड़िए", "छोड़ दो", "छोड़ें", "बस करो",
                 "बस करें", "बस कीजिए", "कैंसल", "स्टॉप"]
STOP_MAX_CHARS = 40
PLANNING_KEYWORDS = ["planning", "plan to", "will move", "moving", "going to", "will be", "예정", "계획", "이전할",
                     "옮길", "计划", "打算", "准备", "予定", "つもり", "dự định", "sẽ chuyển", "sắp", "планир",
                     "собира", "перее", "rejalashtir", "koʻchib", "ko'chib", "төлөвлө", "нүүх", "berencana",
                     "rencana", "akan pindah", "previsto", "planeo", "pienso", "voy a", "prévois", "prevois",
                     "je compte", "أخطط", "سأنتقل", "أنوي", "योजना", "प्लान", "शिफ़्ट", "शिफ्ट", "इरादा",
                     "जाने वाले", "जाने वाली", "सोच रहे", "सोच रहा", "सोच रही"]
NO_KEYWORDS = ["no", "nope", "not", "nah", "elsewhere", "seoul", "busan", "아니", "없", "서울", "부산", "不", "否",
               "没有", "いいえ", "いや", "ない", "không", "нет", "не в", "yoʻq", "yo'q", "yoq", "emas", "үгүй",
               "биш", "tidak", "bukan", "nggak", "gak", "non", "pas", "لا", "ليس", "ليست", "नहीं", "नही",
               "सियोल", "बुसान", "कहीं और"]
# A place outside Jeonbuk and none inside it answers "no" even when the founder plans a move there
# ("いいえ、ソウルの予定です": no, it will be in Seoul).
OTHER_PLACES = ["seoul", "busan", "incheon", "daegu", "gyeonggi", "pangyo", "서울", "부산", "인천", "대구", "경기",
                "판교", "首尔", "釜山", "仁川", "ソウル", "プサン", "сеул", "пусан", "seul", "сөүл", "busán",
                "séoul", "سيول", "بوسان", "सियोल", "बुसान"]
JEONBUK_PLACES = ["jeonbuk", "jeonju", "iksan", "gunsan", "namwon", "전북", "전주", "익산", "군산", "남원", "全北",
                  "全州", "群山", "益山", "南原", "全罗北道", "全羅北道", "чонбук", "чонджу", "жонбүк", "жонбук", "жонжу", "جونبوك", "جونجو", "जॉनबुक", "जियोनबुक",
                  "जोनबुक", "जॉनजू", "जियोनजू", "जोनजू", "इकसान", "इक्सान", "गुनसान", "गुंसान"]
YES_KEYWORDS = ["yes", "yeah", "yep", "sure", "of course", "jeonbuk", "jeonju", "iksan", "gunsan", "namwon",
                "群山", "益山", "南原", "네", "예",
                "응", "맞아", "전북", "전주", "익산", "군산", "是", "对", "全北", "全州", "はい", "ええ", "có",
                "vâng", "đúng", "да", "чонбук", "чонджу", "ha", "xa", "albatta", "тийм", "жонбүк", "ya", "iya",
                "betul", "sí", "si", "claro", "oui", "bien sûr", "نعم", "أجل", "جونبوك", "हाँ", "हां", "ज़रूर",
                "जरूर", "बिल्कुल", "बिलकुल", "जॉनबुक", "जियोनबुक", "जोनबुक", "जॉनजू", "जियोनजू", "जोनजू",
                "इकसान", "इक्सान", "गुनसान", "गुंसान"]

LANGUAGE_KEYWORDS = {
    "en": ["english", "영어", "英语", "英文", "英語", "tiếng anh", "английск", "по-английски", "ingliz", "англи",
           "inggris", "inglés", "ingles", "anglais", "الإنجليزية", "الانجليزية", "अंग्रेज़ी", "अंग्रेजी",
           "इंग्लिश"],
    "ko": ["korean", "한국어", "한국말", "韩语", "韩文", "韓国語", "tiếng hàn", "корейск", "по-корейски", "koreys",
           "солонгос хэл", "bahasa korea", "coreano", "coréen", "الكورية", "कोरियाई", "कोरियन"],
    "zh": ["chinese", "mandarin", "중국어", "中文", "汉语", "普通话", "中国語", "tiếng trung", "китайск", "xitoy",
           "хятад", "bahasa mandarin", "chino", "chinois", "الصينية", "चीनी", "चाइनीज़", "चाइनीज", "मैंडरिन"],
    "ja": ["japanese", "일본어", "日语", "日文", "日本語", "tiếng nhật", "японск", "yapon", "япон хэл", "jepang",
           "japonés", "japones", "japonais", "اليابانية", "जापानी", "जैपनीज़", "जैपनीज"],
    "vi": ["vietnamese", "베트남어", "越南语", "ベトナム語", "tiếng việt", "вьетнамск", "vyetnam", "вьетнам хэл",
           "vietnam", "vietnamita", "vietnamien", "الفيتنامية", "वियतनामी"],
    "ru": ["russian", "러시아어", "俄语", "ロシア語", "tiếng nga", "русск", "rus tili", "ruscha", "орос",
           "bahasa rusia", "ruso", "russe", "الروسية", "रूसी", "रशियन"],
    "uz": ["uzbek", "우즈베크어", "우즈베키스탄어", "乌兹别克", "ウズベク", "узбекск", "oʻzbek", "o'zbek", "ozbek",
           "узбек", "uzbeko", "ouzbek", "الأوزبكية", "उज़्बेक", "उज्बेक"],
    "mn": ["mongolian", "몽골어", "蒙古语", "モンゴル語", "tiếng mông cổ", "монгольск", "moʻgʻul", "mo'g'ul",
           "монгол", "mongol", "mongolien", "المنغولية", "मंगोलियाई", "मंगोलियन"],
    "id": ["indonesian", "bahasa indonesia", "인도네시아어", "印尼语", "インドネシア語", "tiếng indonesia",
           "индонезийск", "indonez", "индонез", "indonesio", "indonésien", "الإندونيسية", "इंडोनेशियाई",
           "इंडोनेशियन"],
    "es": ["spanish", "스페인어", "西班牙语", "スペイン語", "tiếng tây ban nha", "испанск", "по-испански", "ispan",
           "испани", "spanyol", "español", "espanol", "espagnol", "الإسبانية", "स्पेनिश", "स्पैनिश"],
    "fr": ["french", "프랑스어", "法语", "フランス語", "tiếng pháp", "французск", "по-французски", "fransuz",
           "франц", "prancis", "francés", "frances", "français", "francais", "الفرنسية", "फ़्रेंच", "फ्रेंच",
           "फ़्रांसीसी", "फ्रांसीसी"],
    "ar": ["arabic", "아랍어", "阿拉伯语", "アラビア語", "tiếng ả rập", "арабск", "по-арабски", "arab", "араб",
           "árabe", "arabe", "العربية", "अरबी", "अरेबिक"],
    "hi": ["hindi", "हिन्दी", "हिंदी", "힌디", "印地语", "印地文", "ヒンディー", "tiếng hindi", "хинди", "hind tili",
           "hindcha", "хинд тили", "энэтхэг хэл", "الهندية"],
}

CJK_NUMERALS = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                "九": 9, "十": 10, "半": 0.5}
NUMBER_RE = re.compile(r"(?<![\d.])(\d+(?:[.,]\d+)?)(?![\d.])")
YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
NON_ASCII_DIGIT_RE = re.compile(r"[^\D0-9]")  # any Unicode decimal digit but 0-9


def normalize(text: Optional[str]) -> str:
    """Lower-case, single-spaced NFC text with typographic apostrophes made plain and digits in ASCII.

    NFC makes the two spellings of a Devanagari nukta letter (precomposed "ज़" and "ज" + nukta) one;
    ASCII digits let "२०२१" (Devanagari) or "٢٠٢١" (Arabic-Indic) be read as a year.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    text = text.replace("\u2019", "'").replace("\u02bc", "'").replace("\u02bb", "ʻ")
    if not text.isascii():
        text = NON_ASCII_DIGIT_RE.sub(lambda m: str(unicodedata.decimal(m.group())), text)
    return " ".join(text.lower().split())


@functools.lru_cache(maxsize=4096)
def _keyword_pattern(keyword: str) -> Optional[re.Pattern]:
    if not keyword.isascii():
        return None
    prefix = keyword.endswith("*")
    core = re.escape(keyword.rstrip("*"))
    return re.compile(r"(?<![a-z0-9])" + core + ("" if prefix else r"(?![a-z0-9])"))


def find_keyword(text: str, keywords: Iterable[str]) -> int:
    """Position of the first keyword found in normalised ``text``, or -1."""
    best = -1
    for keyword in keywords:
        pattern = _keyword_pattern(keyword)
        if pattern is None:
            pos = text.find(keyword)
        else:
            match = pattern.search(text)
            pos = match.start() if match else -1
        if pos >= 0 and (best < 0 or pos < best):
            best = pos
    return best


def has_keyword(text: str, keywords: Iterable[str]) -> bool:
    return find_keyword(text, keywords) >= 0


def _first_category(text: str, table: dict) -> Optional[str]:
    for value, keywords in table.items():
        if has_keyword(text, keywords):
            return value
    return None


def _exact_code(text: str, vocabulary: Iterable[str]) -> Optional[str]:
    code = text.strip().replace(" ", "_").replace("-", "_")
    return code if code in vocabulary else None


def parse_founder_status(text: Optional[str]) -> Optional[str]:
    """"I'm on a D-10 visa" -> "job_seeker"; the button payloads are the codes themselves."""
    norm = normalize(text)
    return _exact_code(norm, FOUNDER_STATUSES) or _first_category(norm, STATUS_KEYWORDS)


def stage_for_age(years: float) -> str:
    """Stage of a company of ``years`` (architecture.md: early < 3, growth 3 to 7, mature > 7)."""
    if years < 3:
        return "early"
    if years <= 7:
        return "growth"
    return "mature"


def parse_years(text: Optional[str], today: Optional[dt.date] = None) -> Optional[float]:
    """Company age in years from "2 years", "since 2021", "6개월", "两年", "less than 3" (-> 2.5)."""
    norm = normalize(text)
    if not norm:
        return None
    today = today or dt.date.today()
    year = YEAR_RE.search(norm)
    if year:
        return float(max(0, today.year - int(year.group(1))))
    number = NUMBER_RE.search(norm)
    if number:
        value = float(number.group(1).replace(",", "."))
    else:
        cjk = [CJK_NUMERALS[ch] for ch in norm if ch in CJK_NUMERALS]
        if not cjk:
            return next((years for years, words in RELATIVE_YEARS.items() if has_keyword(norm, words)), None)
        value = float(cjk[0] if len(cjk) == 1 else (cjk[0] * 10 + cjk[1] if cjk[1] != 10 else cjk[0] * 10))
    if has_keyword(norm, MONTHS):
        value = value / 12.0
    if has_keyword(norm, LESS_THAN):
        value = max(0.0, value - 0.5)
    elif has_keyword(norm, MORE_THAN):
        value = value + 0.5
    return value


def parse_company_stage(text: Optional[str], today: Optional[dt.date] = None):
    """``(stage, age)`` from an answer to "have you founded your company, and when?".

    The age is returned when the founder gave one ("2 years" -> ("early", 2.0), "last year" -> ("early", 1.0));
    a button code gives only the stage ("growth" -> ("growth", None)), and "yes, it's registered" gives
    ``(FOUNDED, None)``: founded, the age still to ask.
    """
    norm = normalize(text)
    code = _exact_code(norm, STAGES)
    if code:
        return code, (0.0 if code == "pre_founding" else None)
    if has_keyword(norm, PRE_FOUNDING_KEYWORDS):
        return "pre_founding", 0.0
    years = parse_years(norm, today)
    if years is not None:
        return stage_for_age(years), years
    if has_keyword(norm, FOUNDED_KEYWORDS):
        return FOUNDED, None
    return None, None


def parse_sector(text: Optional[str]) -> Optional[str]:
    """"we build an AI tutor" -> "ai"."""
    norm = normalize(text)
    return _exact_code(norm, SECTORS) or _first_category(norm, SECTOR_KEYWORDS)


def parse_in_jeonbuk(text: Optional[str]) -> Optional[bool]:
    """True for yes or "planning to move there", False for no, None when unclear."""
    norm = normalize(text)
    if not norm:
        return None
    if norm in ("yes", "planning", "true"):
        return True
    if norm in ("no", "false"):
        return False
    if has_keyword(norm, OTHER_PLACES) and not has_keyword(norm, JEONBUK_PLACES):
        return False
    if has_keyword(norm, PLANNING_KEYWORDS):
        return True
    if has_keyword(norm, NO_KEYWORDS):
        return False
    if has_keyword(norm, YES_KEYWORDS):
        return True
    return None


def is_question(text: Optional[str]) -> bool:
    """Whether ``text`` asks something: a question mark in any script (?, ？, ؟)."""
    return any(mark in (text or "") for mark in "?？؟")


def is_stop_request(text: Optional[str]) -> bool:
    """A short message asking to stop the questions ("stop", "취소", "laisse tomber")."""
    norm = normalize(text)
    return bool(norm) and len(norm) <= STOP_MAX_CHARS and has_keyword(norm, STOP_KEYWORDS)


# How each eligibility slot reads a typed answer; None means "not an answer to this question".
SLOT_PARSERS = {
    "founder_status": parse_founder_status,
    "company_stage": lambda text: parse_company_stage(text)[0],
    "company_age": parse_years,
    "sector": parse_sector,
    "in_jeonbuk": parse_in_jeonbuk,
}


def requested_language(text: Optional[str], current: Optional[str] = None) -> Optional[str]:
    """The language a founder asks for ("please answer in Vietnamese" -> "vi").

    When several are named ("not English, Vietnamese please") the one that differs from the
    current language wins; among those, the last one mentioned.
    """
    norm = normalize(text)
    found = []
    for code, keywords in LANGUAGE_KEYWORDS.items():
        positions = [norm.rfind(k.rstrip("*")) for k in keywords if _keyword_pattern(k) is None]
        positions += [m.start() for k in keywords if _keyword_pattern(k) is not None
                      for m in _keyword_pattern(k).finditer(norm)]
        positions = [p for p in positions if p >= 0]
        if positions:
            found.append((max(positions), code))
    if not found:
        return None
    others = [item for item in found if item[1] != current] or found
    return max(others)[1]


def entity_value(entities: Iterable[dict], name: str) -> Optional[str]:
    """The value of the last entity called ``name`` in a parsed message, if any."""
    values = [e.get("value") for e in entities or () if e.get("entity") == name and e.get("value")]
    return str(values[-1]) if values else None


# An unclear message (the intent model's nlu_fallback) that the knowledge base cannot answer either is
# most often small talk in words the model has not seen ("Oke, sampai jumpa!", "Coucou, enchanté"):
# answer it as the small talk the model ranked first, not with "I don't know, shall I pass it on?".
SMALL_TALK_RESPONSES = {"greet": "utter_greet", "goodbye": "utter_goodbye", "thanks": "utter_you_are_welcome"}
SMALL_TALK_MIN_CONFIDENCE = 0.25


def intent_name(message: Optional[dict]) -> Optional[str]:
    """The intent NLU gave a parsed message (``tracker.latest_message``), if any."""
    return ((message or {}).get("intent") or {}).get("name")


def small_talk_response(message: dict) -> Optional[str]:
    """The response for an unclear message whose best-ranked intent is small talk, else ``None``."""
    if intent_name(message) != "nlu_fallback":
        return None
    ranking = [i for i in message.get("intent_ranking") or () if i.get("name") != "nlu_fallback"]
    if not ranking:
        return None
    best = max(ranking, key=lambda i: i.get("confidence") or 0.0)
    if (best.get("confidence") or 0.0) < SMALL_TALK_MIN_CONFIDENCE:
        return None
    return SMALL_TALK_RESPONSES.get(best.get("name"))


def off_topic_probability(message: dict) -> float:
    """The intent model's probability that the message is off-topic (0 when it did not rank it)."""
    for intent in (message or {}).get("intent_ranking") or ():
        if intent.get("name") == "out_of_scope":
            return float(intent.get("confidence") or 0.0)
    return 0.0
