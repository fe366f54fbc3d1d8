"""Every list: PER_PAGE, pages past the end, counts capped at LIST_COUNT_CAP, search by record number and the navbar jump box."""
import pytest

from app.models import Delivery, Role


@pytest.fixture
def admin(factory, login_as):
    user = factory.user(Role.ADMIN, name="Ada Admin")
    login_as(user)
    return user


WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima".split()


def _incidents(factory, n, **fields):
    return [factory.incident(title=f"Listed incident {WORDS[i % 12]}", **fields) for i in range(n)]


def _tickets(factory, n, **fields):
    return [factory.ticket(title=f"Listed ticket {WORDS[i % 12]}", **fields) for i in range(n)]


def _users(factory, n):
    return [factory.user(Role.REPORTER, name=f"Listed user {i}") for i in range(n)]


def _deliveries(factory, n):
    for i in range(n):
        factory.db.session.add(Delivery(channel="email", kind="incident.declared", recipient=f"r{i}@example.com",
                                        payload={}, dedup_key=f"listed-{i}"))
    factory.db.session.commit()


@pytest.mark.parametrize("path, make, marker", [
    ("/incidents/", _incidents, "Listed incident"),
    ("/tickets/", _tickets, "Listed ticket"),
    ("/admin/users", _users, "Listed user"),
    ("/admin/deliveries", _deliveries, "r"),
])
def test_every_list_honours_per_page(client, factory, admin, app, path, make, marker):
    app.config["PER_PAGE"] = 3
    make(factory, 7)
    page = client.get(path).get_data(as_text=True)
    assert "Page 1 of" in page
    assert client.get(f"{path}?page=2").status_code == 200
    app.config["PER_PAGE"] = 50
    assert "Page 1 of" not in client.get(path).get_data(as_text=True)


@pytest.mark.parametrize("path, make, empty", [
    ("/incidents/", _incidents, "No incidents yet"),
    ("/tickets/", _tickets, "No tickets yet"),
    ("/tickets/mine", None, "Nothing on your plate"),
])
def test_a_page_past_the_end_links_to_the_last_page(client, factory, admin, app, path, make, empty):
    app.config["PER_PAGE"] = 2
    if make:
        make(factory, 5)
    else:
        _tickets(factory, 5, reporter=admin)
    page = client.get(f"{path}?page=99&sort=oldest").get_data(as_text=True)
    assert "No results on this page" in page and empty not in page
    assert "5 " in page and "on 3 pages" in page
    assert f"{path}?page=3&amp;sort=oldest" in page or f"{path}?sort=oldest&amp;page=3" in page


@pytest.mark.parametrize("path, make", [("/incidents/", _incidents), ("/tickets/", _tickets)])
def test_many_matches_are_counted_up_to_the_cap(client, factory, admin, app, path, make):
    app.config.update(PER_PAGE=2, LIST_COUNT_CAP=5)
    make(factory, 9)
    page = client.get(f"{path}?q=Listed").get_data(as_text=True)
    # Counted as far as two pages past this one (6 rows), which 9 matches exceed: no last page offered.
    assert "Page 1 · 6+ in all" in page and " of " not in page.split("pager-count")[1].split("</span>")[0]
    assert f"{path}?q=Listed&amp;page=2" in page and "page=3" in page
    assert "page=4" not in page and "page=5" not in page
    assert '<li class="page-item"><a class="page-link" href="' + f"{path}?q=Listed&amp;page=2" + '">Next' in page


@pytest.mark.parametrize("path, make", [("/incidents/", _incidents), ("/tickets/", _tickets)])
def test_a_page_near_the_end_of_a_capped_list_counts_exactly(client, factory, admin, app, path, make):
    app.config.update(PER_PAGE=2, LIST_COUNT_CAP=5)
    make(factory, 9)
    assert "Page 4 of 5 · 9 in all" in client.get(f"{path}?q=Listed&page=4").get_data(as_text=True)
    last = client.get(f"{path}?q=Listed&page=5").get_data(as_text=True)
    assert "Page 5 of 5 · 9 in all" in last and "No results on this page" not in last
    past = client.get(f"{path}?q=Listed&page=40").get_data(as_text=True)
    assert "No results on this page" in past and "on 5 pages" in past


def test_a_list_under_the_cap_is_counted_exactly(client, factory, admin, app):
    app.config.update(PER_PAGE=2, LIST_COUNT_CAP=50)
    _incidents(factory, 9)
    assert "Page 1 of 5 · 9 in all" in client.get("/incidents/?q=Listed").get_data(as_text=True)


def test_an_empty_list_still_says_so(client, admin):
    page = client.get("/incidents/?page=99").get_data(as_text=True)
    assert "No incidents yet" in page and "No results on this page" not in page


@pytest.mark.parametrize("q", ["INC-{n}", "inc-{n}", "INC {n}", "#{n}", "{n}", " {n} "])
def test_incident_search_finds_the_number(client, factory, admin, q):
    incidents = _incidents(factory, 12)
    wanted = incidents[1]
    page = client.get("/incidents/", query_string={"q": q.format(n=wanted.number)}).get_data(as_text=True)
    assert f"/incidents/{wanted.number}\"" in page
    others = [i for i in incidents if i is not wanted and str(wanted.number) not in str(i.number)]
    assert not any(f"/incidents/{i.number}\"" in page for i in others)


@pytest.mark.parametrize("q", ["TCK-{n}", "tck{n}", "{n}"])
def test_ticket_search_finds_the_number(client, factory, admin, q):
    tickets = _tickets(factory, 4)
    wanted = tickets[2]
    page = client.get("/tickets/", query_string={"q": q.format(n=wanted.number)}).get_data(as_text=True)
    assert f"/tickets/{wanted.number}\"" in page
    assert f"/tickets/{tickets[0].number}\"" not in page


def test_the_numbered_record_comes_before_text_matches(client, factory, admin, app):
    app.config["PER_PAGE"] = 2
    numbered = _incidents(factory, 1)[0]
    for _ in range(3):
        factory.incident(title=f"Error {numbered.number} again")
    page = client.get("/incidents/", query_string={"q": str(numbered.number)}).get_data(as_text=True)
    assert numbered.title in page and "Page 1 of 2" in page


def test_the_other_prefix_does_not_match(client, factory, admin):
    ticket = _tickets(factory, 1)[0]
    page = client.get("/tickets/", query_string={"q": f"INC-{ticket.number}"}).get_data(as_text=True)
    assert "No matches" in page


def test_search_by_number_stays_in_the_viewers_organization(client, factory, login_as):
    mine, theirs = factory.org("Mine"), factory.org("Theirs")
    viewer = factory.user(Role.RESPONDER, org=mine)
    other = factory.incident(org=theirs, title="Their secret")
    login_as(viewer)
    page = client.get("/incidents/", query_string={"q": f"INC-{other.number}"}).get_data(as_text=True)
    assert "Their secret" not in page


@pytest.mark.parametrize("q", ["%", "_", "\\"])
def test_like_wildcards_are_searched_literally(client, factory, admin, q):
    _incidents(factory, 2)
    assert "No matches" in client.get("/incidents/", query_string={"q": q}).get_data(as_text=True)


def test_jump_box_opens_the_record(client, factory, admin):
    incident = _incidents(factory, 1)[0]
    ticket = _tickets(factory, 1)[0]
    assert 'action="/go"' in client.get("/").get_data(as_text=True)
    for typed, where in ((incident.reference, f"/incidents/{incident.number}"),
                         (f" tck-{ticket.number} ", f"/tickets/{ticket.number}"),
                         (str(incident.number), f"/incidents/{incident.number}")):
        response = client.get("/go", query_string={"number": typed})
        assert response.status_code == 302 and response.headers["Location"].endswith(where)


def test_a_bare_number_falls_back_to_the_ticket(client, factory, admin):
    ticket = _tickets(factory, 1)[0]
    response = client.get("/go", query_string={"number": str(ticket.number)})
    assert response.headers["Location"].endswith(f"/tickets/{ticket.number}")


def test_jump_to_another_organizations_number_is_not_found(client, factory, login_as):
    mine, theirs = factory.org("Mine"), factory.org("Theirs")
    viewer = factory.user(Role.RESPONDER, org=mine)
    other_incident = factory.incident(org=theirs, title="Their secret")
    other_ticket = factory.ticket(org=theirs, title="Their ticket")
    login_as(viewer)
    for typed in (other_incident.reference, other_ticket.reference, str(other_ticket.number)):
        response = client.get("/go", query_string={"number": typed})
        body = response.get_data(as_text=True)
        assert response.status_code == 404 and "was not found" in body and "Their" not in body


def test_a_reporter_cannot_jump_to_a_colleagues_ticket(client, factory, login_as):
    org = factory.org()
    colleague_ticket = factory.ticket(org=org)
    login_as(factory.user(Role.REPORTER, org=org))
    assert client.get("/go", query_string={"number": colleague_ticket.reference}).status_code == 404


@pytest.mark.parametrize("typed", ["", "INC-", "INC-0", "INC-99999999999", "TCK--3", "hello", "a\x00b",
                                   "INC-1" + "9" * 5000, "<script>alert(1)</script>", "INC-2 OR 1=1",
                                   "١٢", "²"])
def test_jump_box_refuses_what_is_not_a_number(client, admin, typed):
    response = client.get("/go", query_string={"number": typed})
    body = response.get_data(as_text=True)
    assert response.status_code == 404 and "<script>alert" not in body


def test_jump_box_refuses_bytes_that_are_not_utf8(client, admin):
    assert client.get("/go?number=%ff%fe").status_code == 404


def test_jump_box_needs_a_sign_in(client):
    response = client.get("/go?number=INC-1")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
