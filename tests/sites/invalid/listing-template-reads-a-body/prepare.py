from conftest import Project


def prepare(root, outside):
    # a list is handed notice summaries: a body is not among them (its key would not cover it)
    Project(root).replace("layouts/partials/notice_list.html", "{{ notice.title }}</a>",
                          "{{ notice.title }}</a>{{ notice.body_html }}")
