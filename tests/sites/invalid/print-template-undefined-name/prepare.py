from conftest import Project


def prepare(root, outside):
    Project(root).replace("layouts/print/notice.html", "{% block body %}", "{% block body %}{{ notice.no_such_field }}")
