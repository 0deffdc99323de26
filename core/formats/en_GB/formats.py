"""Dates and times as the newsroom types them (FORMAT_MODULE_PATH): ISO first, which every
form shows back and suggests, and a day with the month's name; never 03/01/2022, which reads
as March to half the world and was stored as 3 January."""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y"]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]

# Shown back the way they are typed, in one format throughout: the admin's read-only times,
# lists and History read as 2026-12-03 10:30 EST, in the newsroom's time zone there.
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y-m-d H:i T"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
