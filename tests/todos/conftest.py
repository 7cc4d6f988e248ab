from tests.fixtures.language import english  # noqa: F401 - autouse, every test here
