"""Assessment lifecycle services (当初賦課, 更正, 減免, 徴収方法, 通知)."""
