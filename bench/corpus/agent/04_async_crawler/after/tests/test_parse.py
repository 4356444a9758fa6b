from linkscout.parse import extract_links, normalize_url


def test_normalize_strips_fragment_and_port():
    assert normalize_url("HTTPS://Example.com:443/a#x") == "https://example.com/a"


def test_extract_links_skips_mailto():
    html = '<a href="/a">a</a><a href="mailto:x@y">m</a><a href="/a#top">dup</a>'
    assert extract_links("https://ex.com/", html) == ["https://ex.com/a"]
