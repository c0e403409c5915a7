# The gateway's one date-time format in this language: day, month, year, 24-hour time and the zone's name.
DATETIME_FORMAT = "Y年n月j日 G:i T"
DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 G:i T"
