"""Sequence numbers for a batch of records, with each company's sequence looked up once."""


def sequence_for_code(env, code, company):
    """The sequence ``ir.sequence.next_by_code(code)`` draws from for ``company``."""
    return env["ir.sequence"].with_company(company).search(
        [("code", "=", code), ("company_id", "in", [company.id, False])],
        order="company_id",
        limit=1,
    )


def assign_sequence_names(env, vals_list, code):
    """Give each of ``vals_list`` without a name (or named "New") the next number of the
    sequence ``code`` of its company, as ``next_by_code`` would, looking each company's sequence
    up once for the batch rather than once per record."""
    new_name = env._("New")
    sequences = {}
    for vals in vals_list:
        if vals.get("name", new_name) == new_name:
            company = env["res.company"].browse(vals.get("company_id")) or env.company
            if company not in sequences:
                sequences[company] = sequence_for_code(env, code, company)
            sequence = sequences[company]
            vals["name"] = sequence and sequence.next_by_id() or new_name
    return vals_list
