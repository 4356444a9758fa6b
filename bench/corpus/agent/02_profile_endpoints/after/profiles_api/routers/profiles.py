from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status

from profiles_api.repository import ProfileRepository, get_repository
from profiles_api.schemas import Profile, ProfileCreate, ProfilePage, ProfileUpdate
from profiles_api.settings import get_settings

router = APIRouter(prefix="/profiles", tags=["profiles"])


@router.get("", response_model=ProfilePage)
def list_profiles(
    page: int = Query(1, ge=1),
    page_size: int | None = Query(None, ge=1),
    repo: ProfileRepository = Depends(get_repository),
) -> ProfilePage:
    settings = get_settings()
    size = min(page_size or settings.default_page_size, settings.max_page_size)
    items, total = repo.list(offset=(page - 1) * size, limit=size)
    return ProfilePage(items=items, total=total, page=page, page_size=size)


@router.get("/{user_id}", response_model=Profile)
def get_profile(user_id: int, repo: ProfileRepository = Depends(get_repository)) -> Profile:
    profile = repo.get(user_id)
    if profile is None:
        raise HTTPException(status_code=404, detail="profile not found")
    return profile


@router.post("", response_model=Profile, status_code=status.HTTP_201_CREATED)
def create_profile(
    body: ProfileCreate, repo: ProfileRepository = Depends(get_repository)
) -> Profile:
    try:
        return repo.create(body)
    except ValueError as exc:
        raise HTTPException(status_code=409, detail=str(exc))


@router.patch("/{user_id}", response_model=Profile)
def update_profile(
    user_id: int,
    body: ProfileUpdate,
    repo: ProfileRepository = Depends(get_repository),
) -> Profile:
    if not body.model_dump(exclude_unset=True):
        raise HTTPException(status_code=400, detail="no fields to update")
    profile = repo.update(user_id, body)
    if profile is None:
        raise HTTPException(status_code=404, detail="profile not found")
    return profile


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_profile(user_id: int, repo: ProfileRepository = Depends(get_repository)) -> Response:
    if not repo.delete(user_id):
        raise HTTPException(status_code=404, detail="profile not found")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
