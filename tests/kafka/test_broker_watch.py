"""A broker that stops answering: one line and an exit for an embedded broker, a periodic summary for Kafka."""

from __future__ import annotations

import logging
import signal
import time

import pytest

from streams.kafka.broker_watch import BrokerWatch, broker_state
from streams.kafka.embedded import EmbeddedBroker, is_embedded
from streams.kafka.processes import free_port
from streams.kafka.worker_process import WorkerProcess


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def record(level: int = logging.ERROR) -> logging.LogRecord:
    return logging.LogRecord("aiokafka.conn", level, __file__, 1, "Unable connect to node", None, None)


def test_a_broken_connection_while_an_embedded_broker_still_answers_is_asked_again_before_it_shows():
    """Killed, a broker may accept connections for a few more milliseconds while its clients already log broken
    connections: those lines wait for a second look, which finds it gone."""
    exits: list[int] = []
    answers = iter(["up", "refused"])
    slept: list[float] = []
    watch = BrokerWatch("127.0.0.1:1", embedded=True, state=lambda _: next(answers), clock=Clock(),
                        exit=exits.append, sleep=slept.append)
    lost = logging.LogRecord("aiokafka.consumer.fetcher", logging.ERROR, __file__, 1,
                             "Failed fetch messages from 111: KafkaConnectionError: Connection at 127.0.0.1:1 closed",
                             None, None)
    assert watch.filter(lost) is False
    assert exits == [1] and slept and watch.held_back == 1
    quiet = BrokerWatch("127.0.0.1:1", embedded=True, state=lambda _: "up", clock=Clock(), exit=pytest.fail,
                        sleep=pytest.fail)  # another error while the broker answers: no second look
    other = logging.LogRecord("aiokafka.consumer.group_coordinator", logging.ERROR, __file__, 1,
                              "Heartbeat failed for group snowball: unknown member", None, None)
    assert quiet.filter(other) is True


def test_an_embedded_broker_gone_is_one_line_and_an_exit(caplog):
    exits: list[int] = []
    watch = BrokerWatch("127.0.0.1:1", embedded=True, state=lambda _: "refused", clock=Clock(), exit=exits.append)
    with caplog.at_level(logging.INFO, logger="snowball.broker"):
        assert watch.filter(record()) is False
    assert exits == [1]
    assert [r.getMessage() for r in caplog.records] == [
        "the embedded broker at 127.0.0.1:1 is gone (the worker that started it stopped, or it crashed): its "
        "topics, offsets and tables were in memory; stopping. Start a worker without --broker for a new one, then "
        "the others with its address"]


def test_a_kafka_broker_down_is_summarised_and_its_return_said(caplog):
    clock, up = Clock(), [True]
    watch = BrokerWatch("kafka:9092", embedded=False, summary_seconds=30,
                        state=lambda _: "up" if up[0] else "refused", clock=clock, exit=pytest.fail)
    assert watch.filter(record()) and watch.filter(record(logging.INFO))  # the broker answers: nothing held back
    up[0] = False
    with caplog.at_level(logging.INFO, logger="snowball.broker"):
        for second in range(1, 62):  # 58 client errors a second for a minute
            clock.now = second
            for _ in range(58):
                assert watch.filter(record()) is False
        assert watch.filter(record(logging.INFO))  # below warning: never held back
        up[0] = True
        clock.now = 70
        assert watch.filter(record())
    said = [r.getMessage() for r in caplog.records]
    assert said == ["the Kafka broker at kafka:9092 does not answer (for 0 s); retrying (0 client messages not shown)",
                    "the Kafka broker at kafka:9092 does not answer (for 30 s); retrying (1740 client messages not "
                    "shown)",
                    "the Kafka broker at kafka:9092 does not answer (for 60 s); retrying (3480 client messages not "
                    "shown)",
                    "the Kafka broker at kafka:9092 answers again after 69 s (3538 client messages not shown)"]


def test_an_embedded_broker_that_only_does_not_answer_in_time_is_not_given_up(caplog):
    """Under load a connection may time out; only a refusal says that nothing listens any more."""
    watch = BrokerWatch("127.0.0.1:9", embedded=True, state=lambda _: "silent", clock=Clock(), exit=pytest.fail)
    with caplog.at_level(logging.INFO, logger="snowball.broker"):
        assert watch.filter(record()) is False
    assert [r.getMessage() for r in caplog.records] == [
        "the Kafka broker at 127.0.0.1:9 does not answer (for 0 s); retrying (0 client messages not shown)"]


@pytest.mark.integration
def test_the_state_of_a_port_nothing_listens_on_is_refused():
    assert broker_state(f"127.0.0.1:{free_port()}") == "refused"
    with EmbeddedBroker() as broker:
        assert broker_state(broker.bootstrap) == "up"


@pytest.mark.integration
@pytest.mark.timeout(180)
def test_a_worker_on_another_workers_embedded_broker_stops_in_one_line_when_it_goes(tmp_path):
    owner = WorkerProcess("", env={"SNOWBALL_BROKER": "", "SNOWBALL_METRICS_PORT": "0",
                                   "SNOWBALL_DATA_DIR": str(tmp_path / "a")}, log_path=tmp_path / "owner.log")
    joiner_log = tmp_path / "joiner.log"
    with owner:
        deadline = time.monotonic() + 60
        while "embedded broker on" not in (text := (tmp_path / "owner.log").read_text()):
            assert owner.alive() and time.monotonic() < deadline, text
            time.sleep(0.2)
        bootstrap = text.split("embedded broker on ")[1].split()[0]
        assert is_embedded(bootstrap)
        joiner = WorkerProcess(bootstrap, env={"SNOWBALL_METRICS_PORT": str(free_port()),
                                               "SNOWBALL_DATA_DIR": str(tmp_path / "b")}, log_path=joiner_log)
        with joiner:
            while joiner.assignment() is None:
                assert joiner.alive() and time.monotonic() < deadline + 60, joiner_log.read_text()
                time.sleep(0.2)
            before = len(joiner_log.read_text().splitlines())
            owner.process.send_signal(signal.SIGKILL)  # its broker dies with it, at once
            owner.process.wait()
            code = joiner.process.wait(timeout=30)  # it used to retry for ever, and take a minute to stop
            after = joiner_log.read_text().splitlines()[before:]
    assert code == 1
    assert len(after) == 1 and f"the embedded broker at {bootstrap} is gone" in after[0], after


@pytest.mark.integration
def test_the_embedded_broker_says_what_it_is():
    with EmbeddedBroker() as broker:
        assert is_embedded(broker.bootstrap)
