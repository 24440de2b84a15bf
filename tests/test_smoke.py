def test_home_page_answers_with_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_storyteller_sees_own_story(login_as, make_story):
    client, teller = login_as("storyteller")
    story = make_story(teller, title="My first story")
    page = client.get(f"/stories/{story.id}")
    assert page.status_code == 200
    assert "My first story" in page.get_data(as_text=True)
