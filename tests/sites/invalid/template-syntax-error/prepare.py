from conftest import Project


def prepare(root, outside):
    Project(root).replace("layouts/notice.html", "{% block main %}", "{% block main %}{% if %}")
