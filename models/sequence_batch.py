"""The sequence ``ir.sequence.next_by_code`` draws from, for a caller that reads it itself."""


def sequence_for_code(env, code, company):
    """The sequence ``ir.sequence.next_by_code(code)`` draws from for ``company``."""
    return env["ir.sequence"].with_company(company).search(
        [("code", "=", code), ("company_id", "in", [company.id, False])],
        order="company_id",
        limit=1,
    )

