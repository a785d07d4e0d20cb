from conftest import Project

# A revision dated before the notice's own date, and an imprint with a misspelt key (issue 17).
def prepare(root, outside):
    Project(root).replace("content/2012-104/notice.md", ("date:                       "
                                                         "# noticesite: accept no-date (the source gives no date)\n"),
                          "date: 2012-12-10\nrevisions:\n  - {date: 2012-12-01, kind: 更正, summary: 地点更正}\n"
                          "imprint: {issuer: 湖南理工学院教务处, date: 2012-12-10, ccc: [学生工作部]}\n")
