from conftest import Project

# 'replaces' names a document number no notice of the site has (issue 17).
def prepare(root, outside):
    Project(root).replace("content/2012-104/notice.md", "no-date (the source gives no date)\n",
                          "no-date (the source gives no date)\nreplaces: 校教通〔2012〕999号\n")
