-- Statistics rows for the 市町村税課税状況等の調 (projection "levy_ledger"): amounts and codes only.
CREATE TABLE IF NOT EXISTS rm_assessment_stats (
    assessment_id                TEXT PRIMARY KEY,
    fiscal_year                  INTEGER NOT NULL,
    status                       TEXT NOT NULL,
    non_resident                 INTEGER NOT NULL,
    salary_income                BIGINT NOT NULL,
    business_income              BIGINT NOT NULL,
    agricultural_income          BIGINT NOT NULL,
    pension_income               BIGINT NOT NULL,
    other_income                 BIGINT NOT NULL,
    total_income                 BIGINT NOT NULL,
    listed_stock_gains           BIGINT NOT NULL,
    listed_stock_dividends       BIGINT NOT NULL,
    taxable_income               BIGINT NOT NULL,
    separate_taxable_income      BIGINT NOT NULL,
    municipal_income_levy        BIGINT NOT NULL,
    prefectural_income_levy      BIGINT NOT NULL,
    municipal_per_capita         BIGINT NOT NULL,
    prefectural_per_capita       BIGINT NOT NULL,
    forest_environment_tax       BIGINT NOT NULL,
    reduction                    BIGINT NOT NULL,
    donation_amount              BIGINT NOT NULL,
    municipal_donation_credit    BIGINT NOT NULL,
    prefectural_donation_credit  BIGINT NOT NULL,
    one_stop                     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS rm_assessment_stats_year ON rm_assessment_stats (fiscal_year);
