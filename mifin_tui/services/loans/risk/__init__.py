"""A loan's risk as the supervisor reads it: its days past due, class and provision
(`classification`) and the class account its principal sits on (`loan_ledger`)."""
