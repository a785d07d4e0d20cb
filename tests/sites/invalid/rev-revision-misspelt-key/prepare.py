from conftest import Project

# A revision with a misspelt key and a kind that is neither 更正 nor 补充 (issue 17).
def prepare(root, outside):
    Project(root).replace("content/2012-104/notice.md", "no-date (the source gives no date)\n",
                          "no-date (the source gives no date)\nrevisions:\n"
                          "  - {date: 2013-01-05, kind: 更改, sumary: 采集时间调整}\n")
