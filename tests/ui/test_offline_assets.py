"""The app works offline: nothing the browser is told to load comes from another host."""

from urllib.parse import urlparse

from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from tests.ui.conftest import new_app


def test_the_favicon_is_served_by_the_app_itself(demo_url, monkeypatch):
    sent = []  # every message the server would send to the browser
    run = LocalScriptRunner.run

    def run_and_keep_messages(self, *args, **kwargs):
        tree = run(self, *args, **kwargs)
        sent.extend(self.forward_msgs())
        return tree

    monkeypatch.setattr(LocalScriptRunner, "run", run_and_keep_messages)
    at = new_app().run()
    assert not at.exception
    [favicon] = [m.page_config_changed.favicon for m in sent if m.HasField("page_config_changed")]
    # Material and emoji icons make the browser fetch the image from Google's or a CDN's host;
    # an image file is served from the app's own media path (AppTest's is /mock/media/).
    url = urlparse(favicon)
    assert (url.scheme, url.netloc) == ("", "") and "/media/" in url.path, favicon
