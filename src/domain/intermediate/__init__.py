"""中間サーバー (Sys5): 照会許可用照合リスト, 副本 registration and 情報照会・情報提供 records."""
