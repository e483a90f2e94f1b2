"""住基ネット 全国サーバー adapters: a fake peer (tests, demo) and a configurable endpoint (not verified)."""
