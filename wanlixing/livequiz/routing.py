from django.urls import path

from wanlixing.livequiz.consumers import HostSocket, PlayerSocket, ScreenSocket

websocket_urlpatterns = [
    path("ws/live/play/<str:pin>/", PlayerSocket.as_asgi()),
    path("ws/live/host/<str:key>/", HostSocket.as_asgi()),
    path("ws/live/screen/<str:key>/", ScreenSocket.as_asgi()),
]
