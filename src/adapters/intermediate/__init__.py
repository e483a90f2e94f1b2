"""中間サーバー adapters (application.intermediate.IntermediateServer)."""
