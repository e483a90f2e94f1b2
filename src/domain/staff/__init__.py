"""Staff identity, sign-in rules, role grants and the purpose-bound access policy (DESIGN §4, §6)."""
