"""Files in: import-format JSON lines, CSV with a column map, platform payloads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streams.io.csv_map import check_mapping
from streams.io.readers import read_mentions

SOURCES = Path(__file__).resolve().parent.parent / "sources" / "payloads"
NOW = 1_772_500_000_000  # 2026-03-03


def test_jsonl_gives_each_valid_mention_and_each_error_with_its_original_bytes(tmp_path):
    good = {"id": "1", "source": "twitter", "text": "Panne chez Acme", "created_at": "2026-03-02T10:00:00Z"}
    path = tmp_path / "m.jsonl"
    path.write_bytes(b"\n".join([
        json.dumps(good).encode(),
        b"",
        b'{"id": "2", "text": "no time"}',
        b"not json at all",
        b'{"id": "3", "text": "caf\xe9", "created_at": 1}',  # Latin-1 byte: invalid UTF-8
        json.dumps({**good, "id": "4", "created_at": "2031-01-01T00:00:00Z"}).encode(),
    ]))
    results = list(read_mentions(path, now_ms=NOW))
    assert [r.line for r in results] == [1, 3, 4, 5, 6]
    assert results[0].mention is not None and results[0].mention.id == "1"
    reasons = [r.error.reason for r in results[1:]]
    assert reasons == ["missing_field", "not_json", "invalid_utf8", "timestamp_in_future"]
    assert results[3].original == b'{"id": "3", "text": "caf\xe9", "created_at": 1}'


def test_csv_exports_are_read_through_the_column_map(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "tweet_id,body,when,user,retweets\n"
        "10,Encore en retard @globexair,2015-02-24 11:35:52 -0800,marie,3\n"
        "11,,2015-02-24 11:36:00 -0800,paul,0\n",
        encoding="utf-8",
    )
    columns = {"id": "tweet_id", "text": "body", "created_at": "when", "author.id": "user",
               "author.handle": "user", "engagement.reposts": "retweets"}
    results = list(read_mentions(path, columns, now_ms=NOW))
    first = results[0].mention
    assert first.id == "10" and first.author.handle == "marie" and first.engagement.reposts == 3
    assert first.created_at == 1_424_806_552_000
    assert results[1].mention is None and results[1].error.reason == "missing_field"


def test_a_mapped_column_missing_from_the_header_is_a_command_line_error(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no column"):
        list(read_mentions(path, {"id": "a", "text": "nope", "created_at": "b"}))


COLUMNS = {"id": "tweet_id", "text": "body", "created_at": "when"}


def test_a_csv_row_that_is_not_utf8_is_refused_and_the_next_rows_are_read(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"\xef\xbb\xbftweet_id,body,when,gold\n"
                     b"1,Acme en panne,2015-02-24 11:35:52 -0800,negative\n"
                     b"2,caf\xe9 froid chez Acme,2015-02-24 11:36:00 -0800,negative\n"
                     b'3,"deux\nlignes Acme",2015-02-24 11:37:00 -0800,neutral\n')
    results = list(read_mentions(path, COLUMNS, now_ms=NOW, label_column="gold"))
    assert [r.line for r in results] == [2, 3, 5]  # a row's line is its last line
    assert results[0].mention.id == "1" and results[0].label == "negative"
    assert results[1].mention is None and results[1].error.reason == "invalid_utf8"
    assert results[2].mention.text == "deux\nlignes Acme" and results[2].label == "neutral"


def test_jsonl_records_carry_their_label_when_asked(tmp_path):
    path = tmp_path / "labelled.jsonl"
    good = {"id": "1", "source": "twitter", "text": "Acme", "created_at": NOW - 1000, "gold": "neg"}
    path.write_text(json.dumps(good) + "\n[1, 2]\n", encoding="utf-8")
    results = list(read_mentions(path, now_ms=NOW, label_column="gold"))
    assert results[0].label == "neg" and results[0].mention.id == "1"
    assert results[1].error.reason == "not_an_object"


def test_a_field_cannot_be_both_a_value_and_a_parent():
    with pytest.raises(ValueError, match="both author and author.id"):
        check_mapping({"author": "user", "author.id": "user_id"})
    check_mapping({"author.id": "user_id", "author.handle": "user"})


def test_map_on_a_json_lines_file_says_it_needs_none(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text('{"id": "1", "text": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="looks like JSON lines"):
        list(read_mentions(path, COLUMNS))


@pytest.mark.parametrize("fmt", ["twitter-v2", "mastodon", "reddit"])
def test_platform_payload_files_become_mentions(fmt):
    files = sorted(SOURCES.glob(f"{fmt.split('-')[0]}*.json"))
    assert files, f"no example payload for {fmt}"
    results = list(read_mentions(files[0], source_format=fmt, now_ms=NOW))
    assert results and all(r.mention is not None for r in results), [str(r.error) for r in results if r.error]


def test_a_quote_left_open_is_one_invalid_row_that_names_the_lines_it_took(tmp_path):
    path = tmp_path / "export.csv"
    rows = [f"{i},Acme down {i},2015-02-24 11:3{i}:00 -0800" for i in range(6)]
    rows[2] = '2,"Acme down 2,2015-02-24 11:32:00 -0800'
    path.write_text("tweet_id,body,when\n" + "\n".join(rows) + "\n", encoding="utf-8")
    results = list(read_mentions(path, COLUMNS, now_ms=NOW))
    assert [r.mention.id for r in results if r.mention] == ["0", "1"]
    error = results[-1].error
    assert error.reason == "unreadable_row" and "quote opened on line 4 is not closed: lines 4-7" in error.detail


def test_a_quote_in_the_last_column_left_open_is_reported_too(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('tweet_id,when,body\n1,2015-02-24 11:31:00 -0800,"open\n2,2015-02-24 11:32:00 -0800,x\n',
                    encoding="utf-8")
    [result] = list(read_mentions(path, COLUMNS, now_ms=NOW))
    assert result.line == 3 and "quote opened on line 2 is not closed" in result.error.detail


def test_a_malformed_quote_is_one_unreadable_row_and_the_next_rows_are_read(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('tweet_id,body,when\n1,"Acme"down,2015-02-24 11:31:00 -0800\n'
                    '2,Acme,2015-02-24 11:32:00 -0800\n', encoding="utf-8")
    results = list(read_mentions(path, COLUMNS, now_ms=NOW))
    assert results[0].error.reason == "unreadable_row" and "line 2: unreadable CSV row" in results[0].error.detail
    assert results[1].mention.id == "2"


def test_texts_to_classify_say_where_a_quote_was_left_open(tmp_path):
    from streams.io.texts import read_texts

    path = tmp_path / "texts.csv"
    path.write_text('text\nfine\n"open\nswallowed\n', encoding="utf-8")
    items = list(read_texts(path, {"text": "text"}))
    assert items[0].text == "fine" and len(items) == 2
    assert "quote opened on line 3 is not closed: lines 3-4" in items[1].error


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_csv_lines_may_end_the_unix_windows_or_old_mac_way(tmp_path, newline):
    path = tmp_path / "export.csv"
    rows = ["tweet_id,body,when", "1,Acme down,2015-02-24 11:31:00 -0800", '2,"two\nlines",2015-02-24 11:32:00 -0800']
    path.write_bytes(newline.join(rows).encode() + newline.encode())
    results = list(read_mentions(path, COLUMNS, now_ms=NOW))
    assert [r.mention.id for r in results] == ["1", "2"] and results[1].mention.text == "two\nlines"


def test_tsv_is_read_with_tabs(tmp_path):
    path = tmp_path / "export.tsv"
    path.write_text("tweet_id\tbody\twhen\n1\tAcme, down\t2015-02-24 11:31:00 -0800\n", encoding="utf-8")
    [result] = list(read_mentions(path, COLUMNS, now_ms=NOW))
    assert result.mention.text == "Acme, down"


def test_an_empty_csv_file_says_it_is_empty(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="empty file"):
        list(read_mentions(path, COLUMNS))


def test_a_byte_order_mark_does_not_cost_the_first_json_line(tmp_path):
    path = tmp_path / "m.jsonl"
    good = {"id": "1", "source": "twitter", "text": "Acme", "created_at": NOW - 1000}
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(good).encode() + b"\n")
    [result] = list(read_mentions(path, now_ms=NOW))
    assert result.mention is not None and result.mention.id == "1"


def test_a_multiline_row_without_its_empty_last_column_is_a_good_row(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b'tweet_id,body,when,lang\r\n1,"Acme is down\r\nagain",2015-02-24 11:31:00 -0800\r\n')
    [result] = list(read_mentions(path, COLUMNS, now_ms=NOW))
    assert result.mention is not None and result.mention.text == "Acme is down\r\nagain"


def test_a_carriage_return_inside_a_field_of_a_unix_file_is_text_not_a_line(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b'tweet_id,body,when\n1,"a\rb",2015-02-24 11:31:00 -0800\n2,"x"y,2015-02-24 11:32:00 -0800\n')
    results = list(read_mentions(path, COLUMNS, now_ms=NOW))
    assert results[0].mention.text == "a\rb"
    assert results[1].line == 3 and results[1].error.detail.startswith("line 3:")


def test_labelled_rows_keep_their_lines_and_lose_no_column_to_a_byte_order_mark(tmp_path):
    from streams.io.labelled import read_labelled
    from streams.io.texts import read_texts

    path = tmp_path / "labelled.csv"
    path.write_bytes(b'\xef\xbb\xbftext,label\n"two\nlines",negative\nfine,positive\n')
    labelled = read_labelled(path)
    assert labelled.texts == ["two\nlines", "fine"] and labelled.skipped == 0
    assert [item.line for item in read_texts(path, {"text": "text"})] == [3, 4]
    jsonl = tmp_path / "labelled.jsonl"
    jsonl.write_bytes(b'\xef\xbb\xbf{"text": "Acme down", "label": "negative"}\n{"text": "ok", "label": "positive"}\n')
    assert read_labelled(jsonl).texts == ["Acme down", "ok"]
