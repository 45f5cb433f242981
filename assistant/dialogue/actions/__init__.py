"""Thin Rasa actions over plain logic; registered in-process with a shared context."""

from __future__ import annotations

from typing import List

from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

from assistant.dialogue.actions import care, checkin, consent, general, prompts, taketurns
from assistant.dialogue.actions.context import ActionContext

ACTION_CLASSES = (
    prompts.GivePrompt,
    prompts.NextPrompt,
    prompts.SavePrompt,
    prompts.RetirePrompt,
    prompts.PlayFavourite,
    checkin.StartCheckin,
    checkin.AskCheckinAnswer,
    checkin.ValidateCheckin,
    checkin.CloseCheckin,
    consent.OfferBold,
    consent.AskConsentAnswer,
    consent.ValidateConsent,
    consent.CloseConsent,
    consent.KeepGentle,
    taketurns.StartTurns,
    taketurns.StartMutuality,
    taketurns.AskTurnsAnswer,
    taketurns.ValidateTurns,
    taketurns.CloseTurns,
    general.Stop,
    general.Repeat,
    general.Affirm,
    general.Deny,
    general.Inform,
    general.OfferBedtime,
    care.Care,
    general.Help,
)


def build_actions(ctx: ActionContext) -> List[Action]:
    """One instance of every action, sharing `ctx`."""
    return [cls(ctx) for cls in ACTION_CLASSES]


def build_executor(ctx: ActionContext) -> ActionExecutor:
    """A rasa_sdk executor with our actions registered (and nothing scanned from elsewhere)."""
    executor = ActionExecutor()
    for action in build_actions(ctx):
        executor.register_action(action)
    return executor
