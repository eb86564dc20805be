"""Inter-annotator agreement (Qt-free): token-level kappa and alpha, span-level P/R/F1,
sentiment alpha; `agreement_report` gathers them for a project."""

from annotator.core.agreement.report import (
    STATISTICS,
    AgreementReport,
    Figures,
    GroupAgreement,
    GroupFigures,
    PairAgreement,
    StatisticName,
    agreement_report,
    analysts_named,
    analysts_with_annotations,
)
from annotator.core.agreement.sentiment import SENTIMENT_SCALE, SentimentAgreement
from annotator.core.agreement.spans import SpanScores
from annotator.core.agreement.statistics import Statistic
from annotator.core.agreement.tokens import TOKENISATION, tokenise

__all__ = [
    "SENTIMENT_SCALE",
    "STATISTICS",
    "TOKENISATION",
    "AgreementReport",
    "Figures",
    "GroupAgreement",
    "GroupFigures",
    "PairAgreement",
    "SentimentAgreement",
    "SpanScores",
    "Statistic",
    "StatisticName",
    "agreement_report",
    "analysts_named",
    "analysts_with_annotations",
    "tokenise",
]
