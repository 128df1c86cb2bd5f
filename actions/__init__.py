"""Custom actions for the Founder Desk bot (rasa-sdk): see docs/bot.md."""
