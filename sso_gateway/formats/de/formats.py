# The gateway's one date-time format in this language: day, month, year, 24-hour time and the zone's name.
DATETIME_FORMAT = "j. F Y, H:i T"
DATE_FORMAT = "j. F Y"
SHORT_DATETIME_FORMAT = "j. F Y, H:i T"
