"""Backtest: the streaming detector run offline over history, with a picture of what it would have said."""

from streams.backtest.runner import BacktestResult, load_mentions, run_backtest

__all__ = ["BacktestResult", "load_mentions", "run_backtest"]
