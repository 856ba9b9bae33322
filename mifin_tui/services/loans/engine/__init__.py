"""The loan engine: pure functions over plain records (schedules, TEG, allocation of a
payment, penalties and classification). Standard library only: no peewee, no Textual."""
