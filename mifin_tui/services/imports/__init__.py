"""Files brought in: the CSV reader shared by imports, member registers, payment statements."""
