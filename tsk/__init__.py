"""tsk: the customer-complaint ledger (客户投诉处理台账) of a Chinese bank branch."""

__version__ = "0.1.0"
