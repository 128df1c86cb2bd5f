"""Languages and the few strings the web app and the widget show by themselves.

Bot answers come from Rasa; this module only holds what the web layer says on its own:
the widget's interface (launcher, placeholder, errors, ...) and the "message received"
reply used when Rasa cannot be reached. Every string exists in all thirteen languages.
"""

from __future__ import annotations

from knowledge.languages import NATIVE_NAMES as _ALL_NATIVE_NAMES
from knowledge.languages import RTL as RTL_LANGUAGES
from knowledge.languages import SUPPORTED as LANGUAGES

DEFAULT_LANGUAGE = "en"
NATIVE_NAMES = {code: _ALL_NATIVE_NAMES[code] for code in LANGUAGES}

# Reply stored and returned when the Rasa server is unreachable.
RECEIVED_FALLBACK = {
    "en": "Thank you, we have received your message. The assistant is not available right now, "
    "so a staff member of the centre will follow up here as soon as possible.",
    "ko": "메시지를 잘 받았습니다. 지금은 상담 도우미를 사용할 수 없어 센터 담당자가 "
    "최대한 빨리 이곳에서 답변드리겠습니다.",
    "zh": "谢谢，我们已收到您的消息。智能助手暂时无法使用，中心工作人员会尽快在这里回复您。",
    "ja": "メッセージを受け付けました。現在アシスタントをご利用いただけないため、"
    "センターの担当者ができるだけ早くこちらでご連絡いたします。",
    "vi": "Cảm ơn bạn, chúng tôi đã nhận được tin nhắn. Trợ lý hiện không khả dụng, "
    "nhân viên của trung tâm sẽ phản hồi bạn tại đây sớm nhất có thể.",
    "ru": "Спасибо, мы получили ваше сообщение. Ассистент сейчас недоступен, "
    "поэтому сотрудник центра ответит вам здесь как можно скорее.",
    "uz": "Rahmat, xabaringiz qabul qilindi. Yordamchi hozir ishlamayapti, "
    "markaz xodimi imkon qadar tezroq shu yerda javob beradi.",
    "mn": "Баярлалаа, таны мессежийг хүлээн авлаа. Туслах одоогоор ажиллахгүй байгаа тул "
    "төвийн ажилтан аль болох хурдан энд хариу өгнө.",
    "id": "Terima kasih, pesan Anda sudah kami terima. Asisten sedang tidak tersedia, "
    "jadi staf pusat akan segera menindaklanjuti di sini.",
    "es": "Gracias, hemos recibido tu mensaje. El asistente no está disponible en este momento, "
    "así que un miembro del personal del centro te responderá aquí lo antes posible.",
    "fr": "Merci, nous avons bien reçu votre message. L'assistant n'est pas disponible pour le moment ; "
    "un membre du centre vous répondra ici dès que possible.",
    "ar": "شكرًا لك، لقد استلمنا رسالتك. المساعد غير متاح حاليًا، "
    "لذلك سيتابع أحد موظفي المركز معك هنا في أقرب وقت ممكن.",
    "hi": "धन्यवाद, हमें आपका संदेश मिल गया है। असिस्टेंट अभी उपलब्ध नहीं है, "
    "इसलिए सेंटर का कोई स्टाफ़ सदस्य जल्द से जल्द यहीं आपको जवाब देगा।",
}

# Interface strings of the widget (served inside /widget.js). Keys are used by widget.js.
WIDGET_STRINGS = {
    "en": {
        "title": "Founder Desk",
        "subtitle": "Visas, funding and life in Jeonbuk",
        "open": "Open chat",
        "close": "Close chat",
        "placeholder": "Type your question…",
        "send": "Send",
        "typing": "The assistant is typing…",
        "error": "Cannot reach the server. Please check your connection.",
        "retry": "Retry",
        "sources": "Sources",
        "language": "Language",
        "auto": "Automatic",
        "welcome": "Hello! I can help with visas, funding, office space and life in Jeonbuk. "
        "Ask me in your own language.",
        "handoff": "A staff member has been notified and will reply here.",
        "new": "New conversation",
        "you": "You",
        "bot": "Assistant",
        "staff": "Staff",
        "too_long": "Your message is too long. Please shorten it.",
    },
    "ko": {
        "title": "Founder Desk",
        "subtitle": "비자, 자금 지원, 전북 생활 안내",
        "open": "채팅 열기",
        "close": "채팅 닫기",
        "placeholder": "질문을 입력하세요…",
        "send": "보내기",
        "typing": "답변을 작성하고 있습니다…",
        "error": "서버에 연결할 수 없습니다. 인터넷 연결을 확인해 주세요.",
        "retry": "다시 시도",
        "sources": "출처",
        "language": "언어",
        "auto": "자동",
        "welcome": "안녕하세요! 비자, 자금 지원, 사무 공간, 전북 생활에 대해 도와드립니다. "
        "편한 언어로 질문해 주세요.",
        "handoff": "담당 직원에게 전달되었습니다. 이곳에서 답변드리겠습니다.",
        "new": "새 대화",
        "you": "나",
        "bot": "도우미",
        "staff": "직원",
        "too_long": "메시지가 너무 깁니다. 조금 줄여 주세요.",
    },
    "zh": {
        "title": "Founder Desk",
        "subtitle": "签证、资金与全北生活",
        "open": "打开聊天",
        "close": "关闭聊天",
        "placeholder": "请输入您的问题…",
        "send": "发送",
        "typing": "助手正在输入…",
        "error": "无法连接服务器，请检查网络连接。",
        "retry": "重试",
        "sources": "来源",
        "language": "语言",
        "auto": "自动",
        "welcome": "您好！我可以帮助您了解签证、资金支持、办公空间以及在全北的生活。请用您的语言提问。",
        "handoff": "已通知工作人员，他们会在这里回复您。",
        "new": "新对话",
        "you": "您",
        "bot": "助手",
        "staff": "工作人员",
        "too_long": "消息太长，请缩短后再发送。",
    },
    "ja": {
        "title": "Founder Desk",
        "subtitle": "ビザ・資金・全北での生活",
        "open": "チャットを開く",
        "close": "チャットを閉じる",
        "placeholder": "質問を入力してください…",
        "send": "送信",
        "typing": "アシスタントが入力中です…",
        "error": "サーバーに接続できません。接続を確認してください。",
        "retry": "再試行",
        "sources": "出典",
        "language": "言語",
        "auto": "自動",
        "welcome": "こんにちは！ビザ、資金支援、オフィス、全北での生活についてお手伝いします。"
        "ご自分の言語で質問してください。",
        "handoff": "担当者に通知しました。こちらで返信いたします。",
        "new": "新しい会話",
        "you": "あなた",
        "bot": "アシスタント",
        "staff": "スタッフ",
        "too_long": "メッセージが長すぎます。短くしてください。",
    },
    "vi": {
        "title": "Founder Desk",
        "subtitle": "Thị thực, tài trợ và cuộc sống ở Jeonbuk",
        "open": "Mở trò chuyện",
        "close": "Đóng trò chuyện",
        "placeholder": "Nhập câu hỏi của bạn…",
        "send": "Gửi",
        "typing": "Trợ lý đang soạn trả lời…",
        "error": "Không thể kết nối máy chủ. Vui lòng kiểm tra kết nối mạng.",
        "retry": "Thử lại",
        "sources": "Nguồn",
        "language": "Ngôn ngữ",
        "auto": "Tự động",
        "welcome": "Xin chào! Tôi có thể giúp về thị thực, tài trợ, văn phòng và cuộc sống ở Jeonbuk. "
        "Hãy hỏi bằng ngôn ngữ của bạn.",
        "handoff": "Nhân viên đã được thông báo và sẽ trả lời tại đây.",
        "new": "Cuộc trò chuyện mới",
        "you": "Bạn",
        "bot": "Trợ lý",
        "staff": "Nhân viên",
        "too_long": "Tin nhắn quá dài. Vui lòng rút ngắn.",
    },
    "ru": {
        "title": "Founder Desk",
        "subtitle": "Визы, финансирование и жизнь в Чонбуке",
        "open": "Открыть чат",
        "close": "Закрыть чат",
        "placeholder": "Введите ваш вопрос…",
        "send": "Отправить",
        "typing": "Ассистент печатает…",
        "error": "Нет связи с сервером. Проверьте подключение.",
        "retry": "Повторить",
        "sources": "Источники",
        "language": "Язык",
        "auto": "Автоматически",
        "welcome": "Здравствуйте! Я помогу с визами, финансированием, офисом и жизнью в Чонбуке. "
        "Задавайте вопросы на своём языке.",
        "handoff": "Сотрудник уведомлён и ответит здесь.",
        "new": "Новый разговор",
        "you": "Вы",
        "bot": "Ассистент",
        "staff": "Сотрудник",
        "too_long": "Сообщение слишком длинное. Сократите его, пожалуйста.",
    },
    "uz": {
        "title": "Founder Desk",
        "subtitle": "Vizalar, moliyalashtirish va Jeonbukdagi hayot",
        "open": "Chatni ochish",
        "close": "Chatni yopish",
        "placeholder": "Savolingizni yozing…",
        "send": "Yuborish",
        "typing": "Yordamchi yozmoqda…",
        "error": "Serverga ulanib bo‘lmadi. Internet aloqasini tekshiring.",
        "retry": "Qayta urinish",
        "sources": "Manbalar",
        "language": "Til",
        "auto": "Avtomatik",
        "welcome": "Salom! Vizalar, moliyalashtirish, ofis va Jeonbukdagi hayot bo‘yicha yordam beraman. "
        "O‘z tilingizda so‘rang.",
        "handoff": "Xodimga xabar berildi, u shu yerda javob beradi.",
        "new": "Yangi suhbat",
        "you": "Siz",
        "bot": "Yordamchi",
        "staff": "Xodim",
        "too_long": "Xabar juda uzun. Iltimos, qisqartiring.",
    },
    "mn": {
        "title": "Founder Desk",
        "subtitle": "Виз, санхүүжилт ба Жонбук дахь амьдрал",
        "open": "Чат нээх",
        "close": "Чат хаах",
        "placeholder": "Асуултаа бичнэ үү…",
        "send": "Илгээх",
        "typing": "Туслах бичиж байна…",
        "error": "Сервертэй холбогдож чадсангүй. Холболтоо шалгана уу.",
        "retry": "Дахин оролдох",
        "sources": "Эх сурвалж",
        "language": "Хэл",
        "auto": "Автомат",
        "welcome": "Сайн байна уу! Виз, санхүүжилт, оффис болон Жонбук дахь амьдралын талаар тусална. "
        "Өөрийн хэлээр асуугаарай.",
        "handoff": "Ажилтанд мэдэгдсэн бөгөөд энд хариу өгнө.",
        "new": "Шинэ яриа",
        "you": "Та",
        "bot": "Туслах",
        "staff": "Ажилтан",
        "too_long": "Мессеж хэт урт байна. Богиносгоно уу.",
    },
    "id": {
        "title": "Founder Desk",
        "subtitle": "Visa, pendanaan, dan kehidupan di Jeonbuk",
        "open": "Buka obrolan",
        "close": "Tutup obrolan",
        "placeholder": "Ketik pertanyaan Anda…",
        "send": "Kirim",
        "typing": "Asisten sedang mengetik…",
        "error": "Tidak dapat terhubung ke server. Periksa koneksi Anda.",
        "retry": "Coba lagi",
        "sources": "Sumber",
        "language": "Bahasa",
        "auto": "Otomatis",
        "welcome": "Halo! Saya bisa membantu soal visa, pendanaan, ruang kantor, dan kehidupan di Jeonbuk. "
        "Silakan bertanya dalam bahasa Anda.",
        "handoff": "Staf sudah diberi tahu dan akan membalas di sini.",
        "new": "Percakapan baru",
        "you": "Anda",
        "bot": "Asisten",
        "staff": "Staf",
        "too_long": "Pesan terlalu panjang. Mohon persingkat.",
    },
    "es": {
        "title": "Founder Desk",
        "subtitle": "Visados, financiación y vida en Jeonbuk",
        "open": "Abrir chat",
        "close": "Cerrar chat",
        "placeholder": "Escribe tu pregunta…",
        "send": "Enviar",
        "typing": "El asistente está escribiendo…",
        "error": "No se puede conectar con el servidor. Comprueba tu conexión.",
        "retry": "Reintentar",
        "sources": "Fuentes",
        "language": "Idioma",
        "auto": "Automático",
        "welcome": "¡Hola! Puedo ayudarte con visados, financiación, oficinas y la vida en Jeonbuk. "
        "Pregunta en tu propio idioma.",
        "handoff": "Se ha avisado a un miembro del personal, que responderá aquí.",
        "new": "Nueva conversación",
        "you": "Tú",
        "bot": "Asistente",
        "staff": "Personal",
        "too_long": "El mensaje es demasiado largo. Acórtalo, por favor.",
    },
    "fr": {
        "title": "Founder Desk",
        "subtitle": "Visas, financement et vie à Jeonbuk",
        "open": "Ouvrir le chat",
        "close": "Fermer le chat",
        "placeholder": "Écrivez votre question…",
        "send": "Envoyer",
        "typing": "L'assistant écrit…",
        "error": "Impossible de joindre le serveur. Vérifiez votre connexion.",
        "retry": "Réessayer",
        "sources": "Sources",
        "language": "Langue",
        "auto": "Automatique",
        "welcome": "Bonjour ! Je peux vous aider pour les visas, le financement, les bureaux et la vie à Jeonbuk. "
        "Posez vos questions dans votre langue.",
        "handoff": "Un membre de l'équipe a été prévenu et répondra ici.",
        "new": "Nouvelle conversation",
        "you": "Vous",
        "bot": "Assistant",
        "staff": "Équipe",
        "too_long": "Votre message est trop long. Merci de le raccourcir.",
    },
    "ar": {
        "title": "Founder Desk",
        "subtitle": "التأشيرات والتمويل والحياة في جونبوك",
        "open": "افتح المحادثة",
        "close": "أغلق المحادثة",
        "placeholder": "اكتب سؤالك…",
        "send": "إرسال",
        "typing": "المساعد يكتب…",
        "error": "تعذّر الاتصال بالخادم. يرجى التحقق من الاتصال.",
        "retry": "أعد المحاولة",
        "sources": "المصادر",
        "language": "اللغة",
        "auto": "تلقائي",
        "welcome": "مرحبًا! يمكنني مساعدتك في التأشيرات والتمويل ومساحات العمل والحياة في جونبوك. "
        "اسألني بلغتك.",
        "handoff": "تم إبلاغ أحد الموظفين وسيرد عليك هنا.",
        "new": "محادثة جديدة",
        "you": "أنت",
        "bot": "المساعد",
        "staff": "الموظف",
        "too_long": "رسالتك طويلة جدًا. يرجى اختصارها.",
    },
    "hi": {
        "title": "Founder Desk",
        "subtitle": "वीज़ा, फ़ंडिंग और जॉनबुक में जीवन",
        "open": "चैट खोलें",
        "close": "चैट बंद करें",
        "placeholder": "अपना सवाल लिखें…",
        "send": "भेजें",
        "typing": "असिस्टेंट जवाब लिख रहा है…",
        "error": "सर्वर से कनेक्ट नहीं हो पा रहा है। कृपया अपना इंटरनेट कनेक्शन जाँचें।",
        "retry": "फिर से कोशिश करें",
        "sources": "स्रोत",
        "language": "भाषा",
        "auto": "ऑटोमैटिक",
        "welcome": "नमस्ते! वीज़ा, फ़ंडिंग, ऑफ़िस स्पेस और जॉनबुक में जीवन के बारे में मुझसे पूछें। "
        "आप अपनी भाषा में लिख सकते हैं।",
        "handoff": "हमारे स्टाफ़ को सूचना दे दी गई है, वे यहीं जवाब देंगे।",
        "new": "नई बातचीत",
        "you": "आप",
        "bot": "असिस्टेंट",
        "staff": "स्टाफ़",
        "too_long": "आपका संदेश बहुत लंबा है। कृपया इसे छोटा करें।",
    },
}


def normalize(code: object) -> str | None:
    """Map a browser or picker language tag ("vi-VN", "zh_Hant", "AR") to a supported code, else None."""
    if not isinstance(code, str):
        return None
    base = code.strip().replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else None


def received_fallback(lang: str | None) -> str:
    """The "message received, staff will follow up" reply in `lang` (English if unknown)."""
    return RECEIVED_FALLBACK.get(normalize(lang) or DEFAULT_LANGUAGE, RECEIVED_FALLBACK[DEFAULT_LANGUAGE])


def widget_bundle() -> dict:
    """What widget.js needs: language order, native names, RTL set and interface strings."""
    return {
        "languages": list(LANGUAGES),
        "names": dict(NATIVE_NAMES),
        "rtl": sorted(RTL_LANGUAGES),
        "strings": WIDGET_STRINGS,
    }


# --- human handoff (web/handoff.py) -----------------------------------------------------
# Told to the founder when the conversation goes to the staff queue; {wait} is WAIT_SOON or WAIT_LATER.
HANDOFF_NOTICE = {
    "en": "A person from the centre will answer you here. {wait}",
    "ko": "센터 담당자가 이곳에서 직접 답변드리겠습니다. {wait}",
    "zh": "中心的工作人员会在这里回复您。{wait}",
    "ja": "センターの担当者がこちらでお答えします。{wait}",
    "vi": "Nhân viên của trung tâm sẽ trả lời bạn tại đây. {wait}",
    "ru": "Сотрудник центра ответит вам здесь. {wait}",
    "uz": "Markaz xodimi sizga shu yerda javob beradi. {wait}",
    "mn": "Төвийн ажилтан танд энд хариулна. {wait}",
    "id": "Staf pusat akan menjawab Anda di sini. {wait}",
    "es": "Una persona del centro te responderá aquí. {wait}",
    "fr": "Une personne du centre va vous répondre ici. {wait}",
    "ar": "سيرد عليك أحد موظفي المركز هنا. {wait}",
    "hi": "सेंटर का कोई स्टाफ़ सदस्य यहीं आपको जवाब देगा। {wait}",
}
WAIT_SOON = {
    "en": "Expected wait: about {duration}.",
    "ko": "예상 대기 시간: 약 {duration}.",
    "zh": "预计等待时间：约 {duration}。",
    "ja": "待ち時間の目安：約{duration}。",
    "vi": "Thời gian chờ dự kiến: khoảng {duration}.",
    "ru": "Время ожидания: около {duration}",
    "uz": "Kutish vaqti: taxminan {duration}.",
    "mn": "Хүлээх хугацаа: ойролцоогоор {duration}.",
    "id": "Perkiraan waktu tunggu: sekitar {duration}.",
    "es": "Espera estimada: alrededor de {duration}.",
    "fr": "Attente estimée : environ {duration}.",
    "ar": "مدة الانتظار المتوقعة: نحو {duration}.",
    "hi": "अनुमानित इंतज़ार: लगभग {duration}।",
}
WAIT_LATER = {
    "en": "The centre is closed now; expect a reply after it opens on {when} (Korea time).",
    "ko": "지금은 센터 운영 시간이 아닙니다. {when}(한국 시간) 이후에 답변드리겠습니다.",
    "zh": "中心目前为非工作时间，我们将在 {when}（韩国时间）开始办公后回复您。",
    "ja": "現在センターは営業時間外です。{when}（韓国時間）以降にお返事します。",
    "vi": "Trung tâm hiện đã đóng cửa; bạn sẽ nhận được trả lời sau khi mở cửa lúc {when} (giờ Hàn Quốc).",
    "ru": "Сейчас центр закрыт; ответ придёт после открытия: {when} (время в Корее).",
    "uz": "Markaz hozir yopiq; javob markaz {when} (Koreya vaqti bilan) ochilgandan keyin keladi.",
    "mn": "Төв одоо хаалттай байна; {when} (Солонгосын цагаар) нээгдсэний дараа хариулна.",
    "id": "Pusat sedang tutup; balasan akan dikirim setelah buka pada {when} (waktu Korea).",
    "es": "El centro está cerrado ahora; recibirás respuesta cuando abra, el {when} (hora de Corea).",
    "fr": "Le centre est fermé ; une réponse arrivera après l'ouverture, le {when} (heure de Corée).",
    "ar": "المركز مغلق الآن؛ ستصلك الإجابة بعد افتتاحه في {when} (بتوقيت كوريا).",
    "hi": "सेंटर अभी बंद है; {when} (कोरिया के समय के अनुसार) पर खुलने के बाद आपको जवाब मिलेगा।",
}
STAFF_JOINED = {
    "en": "A staff member of the centre has joined the conversation.",
    "ko": "센터 담당자가 대화에 참여했습니다.",
    "zh": "中心的工作人员已加入对话。",
    "ja": "センターの担当者が会話に参加しました。",
    "vi": "Một nhân viên của trung tâm đã tham gia cuộc trò chuyện.",
    "ru": "К разговору присоединился сотрудник центра.",
    "uz": "Suhbatga markaz xodimi qoʻshildi.",
    "mn": "Төвийн ажилтан ярианд нэгдлээ.",
    "id": "Staf pusat telah bergabung dalam percakapan.",
    "es": "Un miembro del personal del centro se ha unido a la conversación.",
    "fr": "Un membre du centre a rejoint la conversation.",
    "ar": "انضم أحد موظفي المركز إلى المحادثة.",
    "hi": "सेंटर का एक स्टाफ़ सदस्य बातचीत में शामिल हो गया है।",
}
BOT_BACK = {
    "en": "The assistant is answering again. Ask for a person any time.",
    "ko": "이제 다시 상담 도우미가 답변합니다. 언제든 담당자 연결을 요청하실 수 있습니다.",
    "zh": "现在由智能助手继续回答。您随时可以要求人工服务。",
    "ja": "これからはアシスタントが再びお答えします。いつでも担当者をお呼びいただけます。",
    "vi": "Trợ lý sẽ tiếp tục trả lời bạn. Bạn có thể yêu cầu gặp nhân viên bất cứ lúc nào.",
    "ru": "Теперь снова отвечает ассистент. Вы можете попросить сотрудника в любое время.",
    "uz": "Endi yana yordamchi javob beradi. Istalgan vaqtda xodim bilan bogʻlanishni soʻrashingiz mumkin.",
    "mn": "Одоо туслах дахин хариулна. Хүссэн үедээ ажилтан дуудаж болно.",
    "id": "Asisten akan menjawab lagi. Anda bisa meminta staf kapan saja.",
    "es": "El asistente vuelve a responder. Puedes pedir hablar con una persona cuando quieras.",
    "fr": "L'assistant reprend la conversation. Vous pouvez demander une personne à tout moment.",
    "ar": "يتولى المساعد الرد من جديد. يمكنك طلب التحدث إلى موظف في أي وقت.",
    "hi": "अब असिस्टेंट फिर से जवाब देगा। आप कभी भी स्टाफ़ से बात करने के लिए कह सकते हैं।",
}

# Widget strings for handoff: thumbs on bot answers and the contact e-mail form.
_WIDGET_HANDOFF = {
    "en": {"helpful": "Helpful", "not_helpful": "Not helpful",
           "email_prompt": "Leave your e-mail in case you have to go; we will reply there too.",
           "email_label": "E-mail", "email_save": "Save", "email_saved": "Thank you. We will also write to {email}.",
           "email_invalid": "Please enter a valid e-mail address."},
    "ko": {"helpful": "도움이 됨", "not_helpful": "도움이 안 됨",
           "email_prompt": "자리를 비우실 경우를 대비해 이메일을 남겨 주시면 그곳으로도 답변드리겠습니다.",
           "email_label": "이메일", "email_save": "저장", "email_saved": "감사합니다. {email}(으)로도 연락드리겠습니다.",
           "email_invalid": "올바른 이메일 주소를 입력해 주세요."},
    "zh": {"helpful": "有帮助", "not_helpful": "没有帮助",
           "email_prompt": "如果您需要离开，请留下电子邮箱，我们也会通过邮件回复。",
           "email_label": "电子邮箱", "email_save": "保存", "email_saved": "谢谢。我们也会发送邮件至 {email}。",
           "email_invalid": "请输入有效的电子邮箱地址。"},
    "ja": {"helpful": "役に立った", "not_helpful": "役に立たなかった",
           "email_prompt": "席を外される場合に備えてメールアドレスをご記入ください。メールでもご連絡します。",
           "email_label": "メールアドレス", "email_save": "保存", "email_saved": "ありがとうございます。{email} にもご連絡します。",
           "email_invalid": "有効なメールアドレスを入力してください。"},
    "vi": {"helpful": "Hữu ích", "not_helpful": "Không hữu ích",
           "email_prompt": "Hãy để lại e-mail phòng khi bạn phải rời đi; chúng tôi cũng sẽ trả lời qua e-mail.",
           "email_label": "E-mail", "email_save": "Lưu", "email_saved": "Cảm ơn bạn. Chúng tôi cũng sẽ gửi phản hồi tới {email}.",
           "email_invalid": "Vui lòng nhập địa chỉ e-mail hợp lệ."},
    "ru": {"helpful": "Полезно", "not_helpful": "Не помогло",
           "email_prompt": "Оставьте e-mail на случай, если вам придётся уйти: мы ответим и туда.",
           "email_label": "E-mail", "email_save": "Сохранить", "email_saved": "Спасибо. Мы также напишем на {email}.",
           "email_invalid": "Введите правильный адрес e-mail."},
    "uz": {"helpful": "Foydali", "not_helpful": "Foydasiz",
           "email_prompt": "Ketishingizga toʻgʻri kelsa, e-mail manzilingizni qoldirib keting; javobni u yerga ham yuboramiz.",
           "email_label": "E-mail", "email_save": "Saqlash", "email_saved": "Rahmat. {email} manziliga ham yozamiz.",
           "email_invalid": "Toʻgʻri e-mail manzilini kiriting."},
    "mn": {"helpful": "Тустай", "not_helpful": "Тусгүй",
           "email_prompt": "Хэрэв явах шаардлагатай бол имэйлээ үлдээгээрэй; бид тэр хаяг руу ч бас хариу илгээнэ.",
           "email_label": "Имэйл", "email_save": "Хадгалах", "email_saved": "Баярлалаа. Бид {email} хаяг руу бас бичнэ.",
           "email_invalid": "Зөв имэйл хаяг оруулна уу."},
    "id": {"helpful": "Membantu", "not_helpful": "Tidak membantu",
           "email_prompt": "Tinggalkan e-mail Anda jika harus pergi; kami juga akan membalas ke sana.",
           "email_label": "E-mail", "email_save": "Simpan", "email_saved": "Terima kasih. Kami juga akan mengirim balasan ke {email}.",
           "email_invalid": "Masukkan alamat e-mail yang valid."},
    "es": {"helpful": "Útil", "not_helpful": "No me ayudó",
           "email_prompt": "Deja tu correo por si tienes que irte; también te responderemos allí.",
           "email_label": "Correo electrónico", "email_save": "Guardar",
           "email_saved": "Gracias. También te escribiremos a {email}.",
           "email_invalid": "Introduce una dirección de correo válida."},
    "fr": {"helpful": "Utile", "not_helpful": "Pas utile",
           "email_prompt": "Laissez votre e-mail au cas où vous devriez partir ; nous vous répondrons aussi par e-mail.",
           "email_label": "E-mail", "email_save": "Enregistrer",
           "email_saved": "Merci. Nous vous écrirons aussi à {email}.",
           "email_invalid": "Veuillez saisir une adresse e-mail valide."},
    "ar": {"helpful": "مفيد", "not_helpful": "غير مفيد",
           "email_prompt": "اترك بريدك الإلكتروني في حال اضطررت إلى المغادرة، وسنرد عليك هناك أيضًا.",
           "email_label": "البريد الإلكتروني", "email_save": "حفظ",
           "email_saved": "شكرًا لك. سنكتب إليك أيضًا على {email}.",
           "email_invalid": "يرجى إدخال عنوان بريد إلكتروني صحيح."},
    "hi": {"helpful": "मददगार", "not_helpful": "मददगार नहीं",
           "email_prompt": "अगर आपको जाना पड़े तो अपना ई-मेल छोड़ दें; हम वहाँ भी जवाब भेजेंगे।",
           "email_label": "ई-मेल", "email_save": "सेव करें",
           "email_saved": "धन्यवाद। हम {email} पर भी लिखेंगे।",
           "email_invalid": "कृपया सही ई-मेल पता डालें।"},
}
for _lang, _strings in _WIDGET_HANDOFF.items():
    WIDGET_STRINGS[_lang].update(_strings)


def localized(table: dict, lang: str | None, **values) -> str:
    """``table[lang]`` (English if unknown) with ``values`` filled in."""
    text = table.get(normalize(lang) or DEFAULT_LANGUAGE) or table[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text
