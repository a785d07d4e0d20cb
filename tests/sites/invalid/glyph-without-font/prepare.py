from conftest import Project


def prepare(root, outside):
    Project(root).replace("content/2012-104/notice.md", "title: 关于做好", "title: 关于\U00010000做好")
