"""Sending a call: retries with backoff (see _retry.py), typed errors, answers parsed into the models."""

from __future__ import annotations

import asyncio
import time
from typing import TypeVar, overload

import httpx
from pydantic import BaseModel

from ._call import Call
from ._retry import delay_before_retry

Answer = TypeVar("Answer", bound=BaseModel)


def parse(response: httpx.Response, answer: type[Answer] | None) -> Answer | None:
    """The answer as its model; None for the operations that answer 204 (the generator gives them no model)."""
    return None if answer is None else answer.model_validate(response.json())


class SyncTransport:
    def __init__(self, http: httpx.Client, max_retries: int) -> None:
        self.http = http
        self.max_retries = max_retries

    def send(self, call: Call) -> httpx.Response:
        request = self.http.build_request(**call.http_arguments())
        attempt = 0
        while True:
            response: httpx.Response | None = None
            failure: httpx.TransportError | None = None
            try:
                response = self.http.send(request)
            except httpx.TransportError as error:
                failure = error
            if response is not None and response.is_success:
                return response
            delay = delay_before_retry(attempt, self.max_retries, call.replayable, response, failure)
            if response is not None:
                response.close()
            time.sleep(delay)
            attempt += 1

    @overload
    def request(self, call: Call, answer: type[Answer]) -> Answer: ...

    @overload
    def request(self, call: Call, answer: None) -> None: ...

    def request(self, call: Call, answer: type[Answer] | None) -> Answer | None:
        return parse(self.send(call), answer)


class AsyncTransport:
    def __init__(self, http: httpx.AsyncClient, max_retries: int) -> None:
        self.http = http
        self.max_retries = max_retries

    async def send(self, call: Call) -> httpx.Response:
        request = self.http.build_request(**call.http_arguments())
        attempt = 0
        while True:
            response: httpx.Response | None = None
            failure: httpx.TransportError | None = None
            try:
                response = await self.http.send(request)
            except httpx.TransportError as error:
                failure = error
            if response is not None and response.is_success:
                return response
            delay = delay_before_retry(attempt, self.max_retries, call.replayable, response, failure)
            if response is not None:
                await response.aclose()
            await asyncio.sleep(delay)
            attempt += 1

    @overload
    async def request(self, call: Call, answer: type[Answer]) -> Answer: ...

    @overload
    async def request(self, call: Call, answer: None) -> None: ...

    async def request(self, call: Call, answer: type[Answer] | None) -> Answer | None:
        return parse(await self.send(call), answer)
