"""Korean formats: times as 24-hour KST everywhere Django formats a datetime by itself (the
admin's lists, ``{{ value }}``) — "2021-07-31 23:59 KST", as the site's own pages write them —
instead of Django's "2021년 7월 31일 11:59 오후". ``T`` is the time zone's abbreviation."""

DATETIME_FORMAT = "Y-m-d H:i T"
SHORT_DATETIME_FORMAT = "Y-m-d H:i T"
TIME_FORMAT = "H:i"
