"""Counter and vault screens: tills (open, count, differences), vault transfers, the cash
journal, voucher reprints, the confirmation every cash operation ends on."""
