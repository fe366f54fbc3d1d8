"""Product areas: the parts of the product an incident can hit, and who owns them."""
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.user import User

product_area_owners = Table(
    "product_area_owners",
    db.metadata,
    Column("product_area_id", ForeignKey("product_areas.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class ProductArea(db.Model):
    __tablename__ = "product_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(String(255), default="")

    owners: Mapped[list[User]] = relationship(secondary=product_area_owners, lazy="selectin")

    def __repr__(self):
        return f"<ProductArea {self.name}>"
