"""Cash: the counter's BE/BS, tills and the vault, transfers between them, vouchers rebuilt
from the books, the cash journal."""
