def migrate(cr, version):
    keep_agreed_no_data_scoring(cr)


def keep_agreed_no_data_scoring(cr):
    """Until this version an item without data was scored 1 (on target). The schemes already
    discussed or agreed keep that term (what the employees accepted); drafts take the new
    default, left out. The sheet lines' applied weight is their weight under that rule: the
    columns are filled here so that the update computes nothing and no computed or confirmed
    appraisal changes."""
    cr.execute("ALTER TABLE aftersales_kpi_scheme ADD COLUMN IF NOT EXISTS no_data_rule varchar")
    cr.execute(
        """UPDATE aftersales_kpi_scheme
              SET no_data_rule = CASE WHEN state = 'draft' THEN 'left_out' ELSE 'on_target' END
            WHERE no_data_rule IS NULL"""
    )
    cr.execute(
        "ALTER TABLE aftersales_kpi_sheet_line ADD COLUMN IF NOT EXISTS applied_weight numeric"
    )
    cr.execute(
        "UPDATE aftersales_kpi_sheet_line SET applied_weight = weight WHERE applied_weight IS NULL"
    )
