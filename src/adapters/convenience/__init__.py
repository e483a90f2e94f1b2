"""コンビニ交付 (⑫): a fake 証明書交付センター for tests and demonstrations."""
