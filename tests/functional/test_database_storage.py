"""ATTACHMENT_STORAGE=database: attachment bytes in file_chunks, streamed a chunk at a time."""
import io
import os

import pytest
from sqlalchemy import func, select

from app import create_app
from app.models import Attachment, FileChunk, Role
from app.storage import CHUNK_BYTES, DatabaseStorage, LocalStorage, new_key, storage
from tests.conftest import make_config
from tests.functional.test_attachments import EXE, LOG, PNG, upload
from tests.support import flashes

BIG_LOG = b"".join(b"%08d GET /checkout 504 upstream timed out\n" % n for n in range(20000))  # ~ 900 KB


@pytest.fixture
def config_overrides(tmp_path):
    return {"ATTACHMENT_STORAGE": "database", "ATTACHMENTS_DIR": str(tmp_path / "files"),
            "MAX_ATTACHMENT_BYTES": 2 * 1024 * 1024, "MAX_CONTENT_LENGTH": 2 * 1024 * 1024 + 4096}


@pytest.fixture
def responder(factory, login_as):
    user = factory.user(Role.RESPONDER)
    login_as(user)
    return user


@pytest.fixture
def incident(factory):
    return factory.incident()


def chunks(db, key=None):
    query = select(func.count()).select_from(FileChunk)
    if key is not None:
        query = query.where(FileChunk.storage_key == key)
    return db.session.scalar(query)


def nothing_on_disk(app):
    root = app.config["ATTACHMENTS_DIR"]
    return not os.path.exists(root) or not any(files for _, _, files in os.walk(root))


def test_the_setting_chooses_the_store(app):
    assert isinstance(storage(), DatabaseStorage)
    local = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"], ATTACHMENT_STORAGE="local"))
    with local.app_context():
        assert isinstance(storage(), LocalStorage)


@pytest.mark.parametrize("value", ["s3", "Database", "../local", "x" * 500, "local\n"])
def test_an_unknown_store_stops_the_app_with_a_clear_message(app, value):
    with pytest.raises(SystemExit, match="Unknown ATTACHMENT_STORAGE"):
        create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"], ATTACHMENT_STORAGE=value))


def test_an_upload_is_stored_in_chunks_and_downloads_whole(app, client, db, responder, incident):
    response = upload(client, incident, BIG_LOG, "access.log")
    assert "Attached access.log." in flashes(response)
    attachment = db.session.scalar(select(Attachment))
    assert chunks(db, attachment.storage_key) == -(-len(BIG_LOG) // CHUNK_BYTES) > 1
    assert nothing_on_disk(app)
    downloaded = client.get(f"/attachments/{attachment.id}")
    assert downloaded.status_code == 200 and downloaded.data == BIG_LOG
    assert downloaded.headers["X-Content-Type-Options"] == "nosniff"


def test_an_image_previews_from_the_database(client, db, responder, incident):
    upload(client, incident, PNG, "screen.png")
    attachment = db.session.scalar(select(Attachment))
    shown = client.get(f"/attachments/{attachment.id}")
    assert shown.data == PNG and shown.mimetype == "image/png"


@pytest.mark.parametrize("data,name,message", [
    (EXE, "screenshot.png", "Only PNG, JPEG"),
    (b"", "empty.log", "The file is empty."),
    (b"x" * (2 * 1024 * 1024 + 1), "big.log", "The file is larger than"),
])
def test_refused_files_write_no_chunks(app, client, db, responder, incident, data, name, message):
    response = upload(client, incident, data, name)
    assert any(message in m for m in flashes(response)), flashes(response)
    assert chunks(db) == 0 and db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert nothing_on_disk(app)


def test_a_request_over_the_limit_writes_no_chunks(client, db, responder, incident):
    response = upload(client, incident, b"x" * (3 * 1024 * 1024), "huge.log")
    assert response.status_code == 200 and "That upload is too large" in " ".join(flashes(response))
    assert chunks(db) == 0


def test_a_file_and_its_row_roll_back_together(db):
    key = new_key()
    storage().save(key, LOG)
    assert chunks(db, key) == 1
    db.session.rollback()
    assert chunks(db, key) == 0
    with pytest.raises(FileNotFoundError):
        storage().open(key)


def test_reading_holds_one_chunk_at_a_time(db):
    store, key = DatabaseStorage(chunk_bytes=1000), new_key()
    data = bytes(range(256)) * 40  # 10,240 bytes: eleven chunks, the last one short
    store.save(key, io.BytesIO(data))
    db.session.commit()
    assert chunks(db, key) == 11
    reader, pieces = store.open(key), []
    while piece := reader.read(333):
        assert len(reader.chunk) <= 1000
        pieces.append(piece)
    assert b"".join(pieces) == data
    assert store.open(key).read() == data
    reader.close()


def test_saving_again_replaces_the_file(db):
    store, key = DatabaseStorage(chunk_bytes=4), new_key()
    store.save(key, b"0123456789")
    store.save(key, b"ab")
    db.session.commit()
    assert store.open(key).read() == b"ab" and chunks(db, key) == 1


def test_an_empty_file_exists_and_reads_empty(db):
    key = new_key()
    storage().save(key, b"")
    db.session.commit()
    assert storage().open(key).read() == b""


@pytest.mark.parametrize("key", ["", "../../etc/passwd", "A" * 32, "0" * 31, "0" * 33, "' OR 1=1 --", None])
def test_keys_that_are_not_ours_are_refused(db, key):
    for action in (lambda: storage().save(key, b"x"), lambda: storage().open(key), lambda: storage().delete(key)):
        with pytest.raises(ValueError):
            action()
    assert chunks(db) == 0


def test_a_file_missing_from_the_database_is_not_found(client, db, responder, incident):
    upload(client, incident, LOG, "gone.log")
    attachment = db.session.scalar(select(Attachment))
    storage().delete(attachment.storage_key)
    assert chunks(db) == 0
    assert client.get(f"/attachments/{attachment.id}").status_code == 404


def test_deleting_an_incident_removes_its_chunks(client, db, factory, login_as, responder, incident):
    upload(client, incident, BIG_LOG, "server.log")
    other = factory.incident(org=incident.org)
    upload(client, other, LOG, "kept.log")
    kept = db.session.scalar(select(Attachment).where(Attachment.incident_id == other.id))
    login_as(factory.user(Role.ADMIN, org=incident.org))
    client.post(f"/incidents/{incident.number}/delete")
    assert chunks(db) == 1 and chunks(db, kept.storage_key) == 1
    assert client.get(f"/attachments/{kept.id}").data == LOG


def test_another_orgs_attachment_is_still_not_found(client, db, factory, login_as, responder, incident):
    upload(client, incident, PNG, "secret.png")
    attachment = db.session.scalar(select(Attachment))
    login_as(factory.user(Role.ADMIN, org=factory.org()))
    assert client.get(f"/attachments/{attachment.id}").status_code == 404


def test_the_copy_command_moves_local_files_in_and_names_missing_ones(app, db, factory, incident):
    from app.services.attachments import add_attachment
    from app.storage import local_storage
    from werkzeug.datastructures import FileStorage

    app.extensions["relay_storage"] = local_storage()  # as before the switch to the database
    on_disk = add_attachment(incident.reporter, incident, FileStorage(io.BytesIO(BIG_LOG), filename="a.log"))
    lost = add_attachment(incident.reporter, incident, FileStorage(io.BytesIO(LOG), filename="b.log"))
    local_storage().delete(lost.storage_key)
    del app.extensions["relay_storage"]
    result = app.test_cli_runner().invoke(args=["attachments", "copy-to-database"])
    assert result.exit_code == 1 and "Copied 1 file(s) into the database; 1 missing" in result.output
    assert lost.storage_key in result.output
    assert storage().open(on_disk.storage_key).read() == BIG_LOG
    local_storage().delete(on_disk.storage_key)
    result = app.test_cli_runner().invoke(args=["attachments", "copy-to-database"])
    assert "Copied 0 file(s)" in result.output and storage().open(on_disk.storage_key).read() == BIG_LOG
