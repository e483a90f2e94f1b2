"""団体内統合宛名番号 (Sys4-4): one number per person across the ward's 宛名番号, merged and split as events."""
